# Only torch, math, random and time exist in gradlab (the .err holds gradlab's wording).
import math
print(math.floor(2.5))
import numpy as np
