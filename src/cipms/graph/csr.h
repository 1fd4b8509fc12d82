// CSR graph (see README)
#pragma once
