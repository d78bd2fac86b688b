"""`${env:NAME}` and `${env:NAME:-default}` in tenant YAML: the one pattern the loader resolves and the
applied digest reads (so a changed variable the YAML uses counts as a changed configuration)."""

from __future__ import annotations

import re

ENV_REF = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
