"Appeals CRM core: housing stock, applicants, appeals and their life cycle."
from .folding import patch_text_folding
from .gc_freeze import patch_gc_freeze
from .pg_connections import patch_pg_connections
from .request_log import patch_request_log
from .session import patch_security
from .speedups import (
    patch_cursor_dict, patch_json_encoder, patch_sqlite_booleans,
    patch_sqlite_connections)

patch_cursor_dict()
patch_json_encoder()
patch_sqlite_connections()
patch_sqlite_booleans()
patch_text_folding()
patch_pg_connections()
patch_security()
patch_request_log()
patch_gc_freeze()
