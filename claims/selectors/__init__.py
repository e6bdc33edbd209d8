"""Read queries for views and the API, one module per area. Each issues a fixed number of queries."""
