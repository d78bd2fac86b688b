#!/bin/bash
# One database and one owner each for Keycloak and the service (first start of the volume only).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE USER keycloak WITH PASSWORD '${KEYCLOAK_DB_PASSWORD}';
CREATE DATABASE keycloak OWNER keycloak;
CREATE USER idp_service WITH PASSWORD '${SERVICE_DB_PASSWORD}';
CREATE DATABASE idp_service OWNER idp_service;
SQL
