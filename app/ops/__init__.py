"""What an operator does: one versioned write path, routing, deadlines, assistance points, campaigns."""

from app.ops.messages import EditConflictError, UpdateResult, read_state, update_message
from app.ops.operations import Operations, Outcome, Target, UndoStep
from app.ops.routing import AgencyRow, ConflictError, RoutingError, add_agency, delete_agency, history, list_agencies
from app.ops.statuses import (
    CLOSE_REASONS,
    OPEN_STATUSES,
    STATUS_LABELS,
    allowed,
    next_statuses,
    status_label,
    why_not,
)

__all__ = [
    "CLOSE_REASONS", "OPEN_STATUSES", "STATUS_LABELS", "AgencyRow", "ConflictError", "EditConflictError",
    "Operations", "Outcome", "RoutingError", "Target", "UndoStep", "UpdateResult", "add_agency", "allowed",
    "delete_agency", "history", "list_agencies", "next_statuses", "read_state", "status_label", "update_message",
    "why_not",
]
