"""FullFill's Chalice app: HTTP routes and the import pipeline's Lambda handlers.

Each handler parses its input, calls chalicelib and shapes the answer; the logic lives there.
"""

from chalice import Chalice

from chalicelib.products.routes import products_api

app = Chalice(app_name="fullfill")
app.register_blueprint(products_api)
