"""Review and approve before anything is sent: a reviewer's edits (`edits`), where they are kept
(`store`), the gate in a pack's run (`workflow`), and the review page (`server`, `backends`)."""
