"""The local stack: Java, the Keycloak distribution, its build, and the processes."""
