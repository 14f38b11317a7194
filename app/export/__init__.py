"""Files for the world outside: messages, incidents, points of assistance and the choropleth as tables
(CSV, XLSX) and GIS layers (GeoPackage, KML/KMZ, Shapefile, GeoJSON through GDAL), hourly series."""

from app.export.gis import GIS_FORMATS, TABLE_FORMATS, Feature, Field, Layer, export_layer
from app.export.hourly import export_hourly
from app.export.layers import (
    LAYER_FORMATS,
    aid_layer,
    choropleth_layer,
    export_aid,
    export_choropleth,
    export_incidents,
    incidents_layer,
    messages_layer,
)
from app.export.messages import MESSAGE_FORMATS, export_messages
from app.export.regions import export_regions, regions_layer

__all__ = [
    "GIS_FORMATS", "LAYER_FORMATS", "MESSAGE_FORMATS", "TABLE_FORMATS", "Feature", "Field", "Layer", "aid_layer",
    "choropleth_layer", "export_aid", "export_choropleth", "export_hourly", "export_incidents", "export_layer",
    "export_messages", "export_regions", "incidents_layer", "messages_layer", "regions_layer",
]
