"""What the boundary upload (analytics.geo) says when it refuses a file, and what to do."""

STRINGS = {
    "err.geo.lone_shp": (
        "文件「{file}」是单独的 .shp：Shapefile 由 .shp、.shx、.dbf、.prj 等多个文件组成，请把它们一起压缩成一个 .zip 文件后上传。",
        "“{file}” is a lone .shp: a Shapefile is several files (.shp, .shx, .dbf, .prj and more). Zip them together into one .zip file and upload that.",
    ),
    "err.geo.no_suffix": ("无扩展名", "no extension"),
    "err.geo.unsupported": (
        "文件「{file}」的类型（{suffix}）不是边界文件。请上传 GeoJSON（.geojson）、压缩的 Shapefile（.zip）或 GeoPackage（.gpkg）。",
        "“{file}” ({suffix}) is not a boundary file. Upload GeoJSON (.geojson), a zipped Shapefile (.zip) or a GeoPackage (.gpkg).",
    ),
    "err.geo.empty_file": (
        "文件「{file}」是空的，请选择正确的边界文件重新上传。",
        "“{file}” is empty. Choose the right boundary file and upload it again.",
    ),
    "err.geo.unreadable": (
        "文件「{file}」无法作为地理数据读取（{detail}）。它可能是改了扩展名的表格或文本文件。请从 GIS 软件导出 GeoJSON、Shapefile（压缩为 .zip）或 GeoPackage 后上传。",
        "“{file}” cannot be read as geographic data ({detail}). It may be a spreadsheet or text file with a changed extension. Export GeoJSON, a Shapefile (zipped) or a GeoPackage from your GIS software and upload that.",
    ),
    "err.geo.no_geometry": (
        "文件「{file}」里没有任何几何图形（可能是普通表格）。请上传带网格边界面的 GeoJSON、Shapefile 或 GeoPackage。",
        "“{file}” holds no geometry at all (it may be an ordinary table). Upload a GeoJSON, Shapefile or GeoPackage with the grids' boundary polygons.",
    ),
    "err.geo.worker_limit": (
        "读取边界文件「{file}」时超出了为读取文件预留的内存或时间（{mb} MB），已停止，系统其他功能不受影响。网格边界文件通常只有几 MB：请在 GIS 软件中简化边界（减少折点）后重新导出 GeoJSON、Shapefile（压缩为 .zip）或 GeoPackage 再上传。",
        "Reading the boundary file “{file}” went past the memory or time set aside for reading a file ({mb} MB) and was stopped; nothing else is affected. Grid boundary files are usually a few MB: simplify the boundaries in your GIS software (fewer vertices), export GeoJSON, a Shapefile (zipped) or a GeoPackage again and upload that.",
    ),
    "err.geo.zip_too_big": (
        "压缩包「{file}」解压后超过 200 MB，不像是网格边界文件。",
        "The archive “{file}” unpacks to more than 200 MB, which is no grid boundary file. Upload the boundary files alone.",
    ),
    "err.geo.zip_ambiguous": (
        "压缩包「{file}」里有多个{suffix}文件（{names}），请每次只上传一套网格边界。",
        "The archive “{file}” holds several {suffix} files ({names}). Upload one set of grid boundaries at a time.",
    ),
    "err.geo.zip_no_dataset": (
        "压缩包「{file}」里没有 .shp、.gpkg 或 .geojson 文件。Shapefile 请连同 .shx、.dbf、.prj 一起压缩后上传。",
        "The archive “{file}” holds no .shp, .gpkg or .geojson file. Zip a Shapefile together with its .shx, .dbf and .prj files and upload that.",
    ),
    "err.geo.bad_zip": (
        "文件「{file}」不是有效的 zip 压缩包（{detail}）。",
        "“{file}” is not a valid zip archive ({detail}). Zip the files again and upload the archive.",
    ),
    "err.geo.no_grids": (
        "数据库里还没有网格名录，无法对应边界。请先导入网格（grids）数据。",
        "The database has no list of grids yet, so the boundaries cannot be matched. Import the grids first.",
    ),
    "err.geo.no_features": (
        "文件「{file}」里没有任何要素（网格面），请检查导出的图层后重新上传。",
        "“{file}” holds no features (grid polygons). Check the layer you exported and upload again.",
    ),
    "err.geo.label": ("网格「{grid} {name}」（第 {row} 个要素）", "grid “{grid} {name}” (feature {row})"),
    "err.geo.no_crs": (
        "文件「{file}」没有声明坐标系（Shapefile 缺少 .prj 文件，或 GeoPackage 图层未设坐标系）。无法判断坐标含义，请在 GIS 软件中设置正确的坐标系后重新导出。",
        "“{file}” declares no coordinate system (a Shapefile without its .prj file, or a GeoPackage layer without one), so its coordinates cannot be understood. Set the right coordinate system in your GIS software and export again.",
    ),
    "err.geo.bad_crs": (
        "文件「{file}」的坐标系（{crs}）无法转换为 WGS-84：{detail}。",
        "The coordinate system of “{file}” ({crs}) cannot be converted to WGS-84: {detail}. Export it in WGS-84 or another standard system.",
    ),
    "err.geo.none": ("无", "none"),
    "err.geo.no_key_column": (
        "文件「{file}」的属性表里没有网格编号或名称列（例如 grid_id 或 name），无法知道每个面是哪个网格。现有的列：{columns}。请在属性表中加一列 grid_id（如 G1）或 name（网格名称）后重新导出。",
        "The attribute table of “{file}” has no grid id or name column (such as grid_id or name), so which polygon is which grid is unknown. Columns present: {columns}. Add a grid_id column (such as G1) or a name column (the grid's name) and export again.",
    ),
    "err.geo.quoted": ("「{value}」", "“{value}”"),
    "err.geo.blank": ("（空白）", "(blank)"),
    "err.geo.unknown_grid": (
        "文件「{file}」第 {row} 个要素的编号/名称{shown}不是已知网格。已知网格：{known}。请把属性表中的 grid_id 或 name 改成其中之一。",
        "Feature {row} of “{file}” has the id/name {shown}, which is no known grid. Known grids: {known}. Change grid_id or name in the attribute table to one of them.",
    ),
    "err.geo.conflicting_grid": (
        "文件「{file}」第 {row} 个要素的编号和名称{shown}指向不同的网格（{grids}），请改正其中一项。",
        "The id and name of feature {row} of “{file}” ({shown}) point at different grids ({grids}). Correct one of them.",
    ),
    "err.geo.duplicate_grid": (
        "文件「{file}」中网格 {grid} 出现了不止一次（第 {first} 和第 {row} 个要素）。一个网格只能有一个要素；由几块组成的网格请合并为一个多部分面。",
        "Grid {grid} appears more than once in “{file}” (features {first} and {row}). A grid must be one feature: merge a grid made of several pieces into one multipart polygon.",
    ),
    "err.geo.missing_grid": (
        "文件「{file}」缺少网格：{names}。每次上传须包含全部 {count} 个网格的边界（未变化的网格也要包含），以免地图上出现空缺。请补齐后重新上传。",
        "“{file}” lacks grids: {names}. Each upload must hold the boundaries of all {count} grids (unchanged ones too), so the map has no gaps. Add them and upload again.",
    ),
    "err.geo.empty_geometry": (
        "{label}没有几何图形。",
        "In the file, {label} has no geometry. Draw its boundary and export again.",
    ),
    "err.geo.not_polygon": (
        "{label}是{kind}，网格边界必须是面（Polygon / MultiPolygon）。请导出网格的面图层后重新上传。",
        "In the file, {label} is a {kind}; a grid boundary must be a polygon (Polygon / MultiPolygon). Export the grids' polygon layer and upload again.",
    ),
    "err.geo.type.point": ("点（Point）", "point (Point)"),
    "err.geo.type.multipoint": ("多点（MultiPoint）", "multipoint (MultiPoint)"),
    "err.geo.type.linestring": ("线（LineString）", "line (LineString)"),
    "err.geo.type.multilinestring": ("多线（MultiLineString）", "multiline (MultiLineString)"),
    "err.geo.type.collection": ("几何集合（GeometryCollection）", "geometry collection (GeometryCollection)"),
    "err.geo.validity.self_intersection": (
        "边界线自相交（例如“8”字形的面）",
        "the boundary crosses itself (a figure-of-eight polygon, say)",
    ),
    "err.geo.validity.ring_self_intersection": ("边界环自身相交", "a boundary ring touches itself"),
    "err.geo.validity.too_few_points": ("边界点数过少，不能构成面", "too few points to make a polygon"),
    "err.geo.validity.hole_outside": ("内洞位于外边界之外", "a hole lies outside the outer boundary"),
    "err.geo.validity.nested_holes": ("内洞相互嵌套", "holes are nested inside each other"),
    "err.geo.validity.disconnected": (
        "面的内部被分割成不相连的部分",
        "the polygon's inside is split into separate parts",
    ),
    "err.geo.validity.nested_shells": ("外边界相互嵌套", "outer boundaries are nested inside each other"),
    "err.geo.validity.invalid_coordinate": (
        "存在无效坐标（空值或无穷大）",
        "there are invalid coordinates (empty or infinite)",
    ),
    "err.geo.validity.not_closed": ("边界环没有闭合", "a boundary ring is not closed"),
    "err.geo.validity.duplicate_rings": ("存在重复的边界环", "a boundary ring appears twice"),
    "err.geo.place": ("，位置约在经度 {x:.5f}、纬度 {y:.5f}", ", near longitude {x:.5f}, latitude {y:.5f}"),
    "err.geo.invalid": (
        "{label}的边界无效：{explained}{place}。请在 GIS 软件中修复（如 QGIS“修复几何图形”），或勾选“自动修复无效边界”后重新上传。",
        "The boundary of {label} is invalid: {explained}{place}. Fix it in your GIS software (QGIS: “Fix geometries”), or tick “Repair invalid boundaries automatically” and upload again.",
    ),
    "err.geo.unrepairable": (
        "{label}的边界无效（{explained}{place}），自动修复后不剩任何面，请在 GIS 软件中重新绘制。",
        "The boundary of {label} is invalid ({explained}{place}) and nothing of it is left after repair. Draw it again in your GIS software.",
    ),
    "err.geo.not_lonlat": (
        "文件「{file}」的坐标（例如 {x:.0f}, {y:.0f}）不是经纬度，但文件声明的是经纬度坐标系：坐标系标注有误。请在 GIS 软件中设置文件真实的坐标系（例如 CGCS2000 高斯投影）后重新导出。",
        "The coordinates of “{file}” (such as {x:.0f}, {y:.0f}) are not longitude and latitude, though the file declares a longitude/latitude system: its coordinate system is labelled wrongly. Set the file's true coordinate system in your GIS software (a CGCS2000 Gauss–Krüger projection, say) and export again.",
    ),
    "err.geo.far_away": (
        "文件「{file}」的边界位于经度 {x:.4f}、纬度 {y:.4f} 附近，离本街道的居民区约 {km:,.0f} 公里，坐标系可能标注错误（例如投影带或坐标系选错）。请检查后重新导出。",
        "The boundaries in “{file}” lie near longitude {x:.4f}, latitude {y:.4f}, about {km:,.0f} km from the subdistrict's communities: the coordinate system may be labelled wrongly (a wrong projection zone or system). Check it and export again.",
    ),
    "err.geo.admins_only": ("只有管理员可以上传网格边界。", "Only administrators may upload grid boundaries."),
    "err.geo.bad_date": (
        "生效日期{day}不晚于当前边界版本 v{version} 的生效日期{latest}：新版本只能接在现有版本之后。请选择{latest}之后的日期。",
        "The start date {day} is not after {latest}, when the current boundary version v{version} took effect: a new version can only follow the existing ones. Choose a date after {latest}.",
    ),
}
