"""Benefits realisation: after Cabinet decides, track each approved project's costs, savings and
milestones against its business case, forecast where it will land, report it to members, and
learn from the outcomes (docs/tracking.md)."""
