"""Second Me as a local MCP server: other tools (desktop chat apps, editors, agents) read the
person's memory on the person's terms.

``secondme mcp`` speaks the Model Context Protocol over stdio (:mod:`secondme.mcp.server`). By
default it forwards every call to the running, unlocked app, which asks the person the first
time a client connects; with ``--unlock`` it opens the vault itself for headless use. Either
way the same :class:`secondme.mcp.service.McpService` runs the call: it checks the client's
permissions (:mod:`secondme.mcp.permissions`, kept in the encrypted store) and keeps every call
in the encrypted audit log (:mod:`secondme.mcp.audit`).
"""

from __future__ import annotations
