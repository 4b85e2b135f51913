// FFTW3, double (libfftw3) and single (libfftw3f) precision (Debian: libfftw3-dev).
#include <fftw3.h>
