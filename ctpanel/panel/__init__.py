"""The panel's state and rules, without Qt: the Qt layer (``ctpanel.qt``) only binds to them."""
