"""Which federal subject the centre serves, its geography and its region pack."""

from app.region.geodata import basemap_available, region_bounds, region_centre, region_outline, regions_near
from app.region.localtime import message_local_time, message_zone
from app.region.packs import Municipality, RegionPack, RegionPackError, load_region_pack
from app.region.registry import (
    Region,
    UnknownRegionError,
    find_region,
    municipality_key,
    region,
    region_by_name,
    regions,
    search_regions,
)
from app.region.spatial import GeodataMissingError, PolygonIndex, region_index, region_of_point

__all__ = [
    "GeodataMissingError", "Municipality", "PolygonIndex", "Region", "RegionPack", "RegionPackError",
    "UnknownRegionError", "basemap_available", "find_region", "load_region_pack", "message_local_time",
    "message_zone", "municipality_key", "region", "region_bounds", "region_by_name", "region_centre",
    "region_index", "region_of_point", "region_outline", "regions", "regions_near", "search_regions",
]
