// FFTW3, double precision (Debian: libfftw3-dev).
#include <fftw3.h>
