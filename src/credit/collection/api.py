from ninja import Router

router = Router(tags=["归集"])
