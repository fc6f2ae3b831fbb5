"""Qt-free core: models, validation, the CrossTrade clients, the reverse workflow."""
