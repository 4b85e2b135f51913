// Open MPI (Debian: libopenmpi-dev, pkg-config ompi-c). MPI_COMM_WORLD, MPI_INT64_T, MPI_ANY_SOURCE,
// MPI_STATUS_IGNORE are macros over Open MPI's predefined objects, which Swift cannot import; these
// static inline getters expose them.
#include <mpi.h>

static inline MPI_Comm spinode_MPI_COMM_WORLD(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype spinode_MPI_INT64_T(void) { return MPI_INT64_T; }
static inline int spinode_MPI_ANY_SOURCE(void) { return MPI_ANY_SOURCE; }
static inline int spinode_MPI_ANY_TAG(void) { return MPI_ANY_TAG; }
static inline int spinode_MPI_SUCCESS(void) { return MPI_SUCCESS; }
static inline MPI_Datatype spinode_MPI_DOUBLE(void) { return MPI_DOUBLE; }
static inline MPI_Op spinode_MPI_SUM(void) { return MPI_SUM; }
static inline void *spinode_MPI_IN_PLACE(void) { return MPI_IN_PLACE; }
