"""The vice-rector's dashboard (/dashboard/): its pages and drill-down (views), what it shows
for the chosen filters (board), the stored figures of past sessions it reads them from
(snapshots, models) and its sortable, exportable tables (tables)."""
