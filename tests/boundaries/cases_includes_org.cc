// Compiles: cases declares org as a dependency, so org's headers are in its include root (the control for the
// forbidden-include test beside it).
#include "org/org.h"
int main() { return 0; }
