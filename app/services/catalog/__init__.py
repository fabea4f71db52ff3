"""Catalog use cases, one module each:

- `version`: the counter every catalog change raises (ETags, data-cache keys);
- `listing`: listing and searching, a page of plain cards;
- `pages`: a course's or a path's own page, a path's launch period;
- `prices`: prices with their history, indicative amounts in another currency;
- `authoring`: staff changes to courses, chapters and paths;
- `launch_watch`: hearing when an upcoming path opens.

The names callers use are handed on here, so that `catalog.search_courses` reads as it did."""

from app.services.catalog.authoring import (
    CHAPTER_FIELDS,
    COURSE_FIELDS,
    PATH_FIELDS,
    all_courses,
    all_paths,
    programme_text,
    save_chapter,
    save_course,
    save_path,
)
from app.services.catalog.launch_watch import (
    STOP_WATCHING,
    stop_link,
    stop_request,
    stop_watching,
    watch,
    watchers_count,
)
from app.services.catalog.listing import (
    CatalogQuery,
    CourseCard,
    parse_query,
    results_key,
    search_courses,
    search_paths,
)
from app.services.catalog.pages import (
    course_by_slug,
    opened_relative_to_estimate,
    path_by_slug,
    period_of,
)
from app.services.catalog.prices import (
    add_price,
    current_price,
    indicative,
    price_for_rows,
    price_history,
    price_points,
    rate_for,
    rates,
    set_rate,
)
from app.services.catalog.version import bump_version, catalog_version
