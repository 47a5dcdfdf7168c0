"""The bare Flask endpoint of ``bench.load``: what a request costs before Relais does
anything, served by the same gunicorn configuration (``gunicorn bench._hello:app``)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
