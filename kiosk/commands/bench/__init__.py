"""`kiosk bench ...`: benchmarks that print numbers and assert nothing, one module per verb."""
