#include "cipms/storage/store.h"
