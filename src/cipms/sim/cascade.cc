#include "cipms/sim/cascade.h"
