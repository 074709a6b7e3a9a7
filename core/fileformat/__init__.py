"""Network files: the JSON format "neurocanvas-network" (see docs/file-format.md).

Reading is a contract: `loads_network`/`load_network` return a complete Network or raise one
`FileFormatError` naming the file, the JSON path of the problem and how to fix it; no other
exception escapes. Writing is deterministic and human-readable, and `save_network` is atomic.

This package imports numpy, networkx and the layer registry but never torch or Qt: the GUI opens
files before torch is loaded.
"""

from core.fileformat._common import (FORMAT_NAME, FORMAT_VERSION, MAX_CONNECTIONS,
                                     MAX_DATASET_DEPTH, MAX_FILE_BYTES, MAX_LAYERS,
                                     MAX_WEIGHT_DEPTH, FileFormatError)
from core.fileformat._files import (SaveError, check_save_target, clean_stale_temp_files,
                                    load_network, save_network)
from core.fileformat._reader import loads_network
from core.fileformat._writer import dumps_network

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "MAX_CONNECTIONS", "MAX_DATASET_DEPTH", "MAX_FILE_BYTES",
           "MAX_LAYERS", "MAX_WEIGHT_DEPTH", "FileFormatError", "SaveError", "check_save_target",
           "clean_stale_temp_files", "dumps_network", "load_network", "loads_network",
           "save_network"]
