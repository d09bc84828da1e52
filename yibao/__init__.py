"""yibao: a data warehouse for a city's basic medical insurance under city-level pooling (医保市级统筹)."""

import os

# The warehouse, the quarantine, the logs and the landing copies hold ID numbers and names (DESIGN §8):
# every file and folder yibao creates - and dbt and Streamlit, which it starts - is its owner's only.
os.umask(0o077)
