"""The public provider chooser (seed 000): the tenants that opt in, searchable, each leading to its sign-up."""
