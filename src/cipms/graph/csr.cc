// placeholder until the engine lands
#include "cipms/graph/csr.h"
