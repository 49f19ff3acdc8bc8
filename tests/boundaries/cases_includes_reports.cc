// Must not compile: cases sits below reports, so its include root has no reports/ (CMakeLists.txt, qf_module).
#include "reports/dashboard.h"
