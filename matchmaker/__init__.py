"""京津冀科技成果供需库: a regional pool matching Beijing/Tianjin achievements with Hebei needs.

Importing the package pulls in no Flask: the web app is built by ``matchmaker.app.create_app``
and the matcher (``matchmaker.matching``) is a pure library.
"""

__version__ = "0.1.0"
