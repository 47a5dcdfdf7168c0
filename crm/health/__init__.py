"""Health checks for the service manager and the load balancer: liveness and readiness."""
