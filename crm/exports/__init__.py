"""Exports of contacts (CSV for Excel, XLSX, vCard 3.0) with their log, and the writers others reuse."""
