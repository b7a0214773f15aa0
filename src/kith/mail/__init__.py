"""Email: the outbox and its worker, mail templates, members' mail settings,
notifications by email, the weekly digest and one-click unsubscribe."""
