// libhdf5 (Debian: libhdf5-dev). HDF5's H5T_NATIVE_* types and H5F_ACC_* / H5P_DEFAULT flags are
// macros that Swift cannot import; these static inline getters expose them.
#include <hdf5.h>

static inline hid_t spinode_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t spinode_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t spinode_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t spinode_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t spinode_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t spinode_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t spinode_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t spinode_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t spinode_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned spinode_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned spinode_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned spinode_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned spinode_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline size_t spinode_H5T_VARIABLE(void) { return H5T_VARIABLE; }
/// Turns off HDF5's automatic error printing to stderr; errors are reported by the caller instead.
static inline void spinode_H5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
static inline hid_t spinode_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t spinode_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t spinode_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t spinode_H5E_DEFAULT(void) { return H5E_DEFAULT; }
