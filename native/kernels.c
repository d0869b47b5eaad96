/*
 * Native training kernels for the TensorFlow.js wasm backend.
 *
 * The wasm build of XNNPACK multiplies with 128-bit SIMD and no fused
 * multiply-add, which caps its matrix products far below the machine's BLAS.
 * These kernels work on tensors in the wasm heap, where the wasm backend
 * keeps them: every call passes the heap's ArrayBuffer and byte offsets into
 * it. Products go to the CBLAS `sgemm` of the system's library, loaded at run
 * time, which on Debian is the one PyTorch links.
 *
 * Convolutions are im2col products in chunks of output rows, so that the
 * patch matrix stays small. Every call runs on the calling thread, and the
 * BLAS gets one thread, because the worker runs one process per core.
 *
 * Each kernel takes (heap, args), where args is a Float64Array of offsets and
 * sizes in the order that worker/engine/native-kernels.ts writes them.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __x86_64__
#include <immintrin.h>
#endif
#include <string.h>
#include <strings.h>

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*set_threads_fn)(int threads);
typedef char *(*core_name_fn)(void);

static sgemm_fn sgemm;
static char blas_path[1024];
static char blas_error[1024];
static char blas_core[64];

/* Floats of the im2col patch matrix for one chunk of output rows (1 MB, to stay in a core's cache). */
#define SCRATCH_FLOATS (1 << 18)
/* One per thread: worker threads of one process may each load this addon and convolve at the same time. */
static _Thread_local float *scratch;
static _Thread_local size_t scratch_size;

static float *scratch_of(size_t floats) {
  if (floats > scratch_size) {
    free(scratch);
    scratch = malloc(floats * sizeof(float));
    scratch_size = scratch == NULL ? 0 : floats;
  }
  return scratch;
}

static int try_blas(const char *name) {
  void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    snprintf(blas_error, sizeof blas_error, "%s", dlerror());
    return 0;
  }
  sgemm_fn found = (sgemm_fn)dlsym(handle, "cblas_sgemm");
  if (found == NULL) {
    snprintf(blas_error, sizeof blas_error, "%s has no cblas_sgemm", name);
    dlclose(handle);
    return 0;
  }
  set_threads_fn set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
  if (set_threads != NULL) set_threads(1);

  core_name_fn core_name = (core_name_fn)dlsym(handle, "openblas_get_corename");
  if (core_name != NULL) snprintf(blas_core, sizeof blas_core, "%s", core_name());

  Dl_info info;
  if (dladdr((void *)found, &info) != 0 && info.dli_fname != NULL) {
    snprintf(blas_path, sizeof blas_path, "%s", info.dli_fname);
  } else {
    snprintf(blas_path, sizeof blas_path, "%s", name);
  }
  sgemm = found;
  return 1;
}

/*
 * OpenBLAS 0.3.21 (Debian 12) picks its kernels by CPU model. On models it
 * does not know, such as a virtual Xeon with AVX-512, it falls back to its
 * SSE3 kernels ("Prescott"): sgemm of 1,024 x 1,024 matrices ran at 18
 * GFLOP/s there against 110 with the AVX-512 ones. So the kernel family is
 * named from the CPU's feature flags, unless the user set OPENBLAS_CORETYPE.
 */
static void choose_openblas_core(void) {
  __builtin_cpu_init();
  const char *core = NULL;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq")) {
    core = __builtin_cpu_supports("avx512bf16") ? "Cooperlake" : "SkylakeX";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    core = "Haswell";
  }
  if (core != NULL) setenv("OPENBLAS_CORETYPE", core, 0);
}

/* Loads the library named by ROBUSTLAB_BLAS, or else OpenBLAS, or else whatever libblas.so.3 is. */
static void load_blas(void) {
  /* OpenBLAS reads both when it loads, so they must be set first. */
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  choose_openblas_core();
  const char *chosen = getenv("ROBUSTLAB_BLAS");
  if (chosen != NULL && chosen[0] != '\0') {
    try_blas(chosen);
    return;
  }
  const char *candidates[] = {"libopenblas.so.0", "libblas.so.3", "libopenblas.so", "libblas.so"};
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    if (try_blas(candidates[i])) return;
  }
}

/* ---- matrix products ---- */

/*
 * An AVX-512 product for when OpenBLAS runs narrower kernels on a CPU that
 * has AVX-512. OpenBLAS 0.3.21 does not know recent processors, and some
 * machines set OPENBLAS_CORETYPE to its AVX2 ("Haswell") kernels because the
 * choice of older builds computed wrong results or crashed there. On a Zen 5
 * whose OpenBLAS ran the Haswell kernels, this product ran the benchmark
 * networks' shapes at 170-250 GFLOP/s against 105-125 (bench/engine-products.ts).
 *
 * C = op(A) op(B), or C += op(A) op(B), all row-major. op(B) is packed into
 * k-major panels of GEMM_NR columns, so the inner loop reads it
 * sequentially. Each GEMM_MR x GEMM_NR block of C is summed in 24 registers,
 * GEMM_KC values of k at a time in the order p = 0 .. k - 1.
 */
#define GEMM_MR 12
#define GEMM_NR 32
/*
 * Products sum k in blocks of GEMM_KC, each added into C, as OpenBLAS does.
 * One float32 sum over all of k had about 120 times OpenBLAS's error at
 * k = 1,000,000 and 20 times at k = 100,000.
 */
#define GEMM_KC 256
/* Pack buffers above this many floats (16 MiB) are freed after the product instead of kept for the next. */
#define GEMM_KEEP_FLOATS ((size_t)1 << 22)

static int own_gemm;
static _Thread_local float *gemm_packed_a, *gemm_packed_b;
static _Thread_local size_t gemm_packed_a_size, gemm_packed_b_size;

static float *gemm_buffer(float **buffer, size_t *size, size_t floats) {
  if (floats > *size) {
    free(*buffer);
    /* aligned_alloc wants a multiple of the alignment. */
    *buffer = aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
    *size = *buffer == NULL ? 0 : floats;
  }
  return *buffer;
}

/* Frees pack buffers above GEMM_KEEP_FLOATS, so that one large product does not hold its memory for good. */
static void gemm_release_large_buffers(void) {
  if (gemm_packed_a_size > GEMM_KEEP_FLOATS) {
    free(gemm_packed_a);
    gemm_packed_a = NULL;
    gemm_packed_a_size = 0;
  }
  if (gemm_packed_b_size > GEMM_KEEP_FLOATS) {
    free(gemm_packed_b);
    gemm_packed_b = NULL;
    gemm_packed_b_size = 0;
  }
}

/* Packs op(B) (k x n) into k x GEMM_NR panels, zero beyond column n. */
static void gemm_pack_b(int trans_b, int k, int n, const float *b, int ldb, float *packed) {
  for (int j0 = 0; j0 < n; j0 += GEMM_NR) {
    int cols = n - j0 < GEMM_NR ? n - j0 : GEMM_NR;
    float *panel = packed + (size_t)(j0 / GEMM_NR) * k * GEMM_NR;
    for (int p = 0; p < k; p++) {
      float *out = panel + (size_t)p * GEMM_NR;
      int c = 0;
      if (trans_b) {
        for (; c < cols; c++) out[c] = b[(size_t)(j0 + c) * ldb + p];
      } else {
        for (; c < cols; c++) out[c] = b[(size_t)p * ldb + j0 + c];
      }
      for (; c < GEMM_NR; c++) out[c] = 0.0f;
    }
  }
}

/* Packs op(A) (m x k) into k x GEMM_MR panels, zero beyond row m. */
static void gemm_pack_a(int trans_a, int m, int k, const float *a, int lda, float *packed) {
  for (int i0 = 0; i0 < m; i0 += GEMM_MR) {
    int rows = m - i0 < GEMM_MR ? m - i0 : GEMM_MR;
    float *panel = packed + (size_t)(i0 / GEMM_MR) * k * GEMM_MR;
    if (trans_a) {
      for (int p = 0; p < k; p++) {
        float *out = panel + (size_t)p * GEMM_MR;
        int r = 0;
        for (; r < rows; r++) out[r] = a[(size_t)p * lda + i0 + r];
        for (; r < GEMM_MR; r++) out[r] = 0.0f;
      }
    } else {
      for (int r = 0; r < rows; r++) {
        const float *row = a + (size_t)(i0 + r) * lda;
        for (int p = 0; p < k; p++) panel[(size_t)p * GEMM_MR + r] = row[p];
      }
      for (int r = rows; r < GEMM_MR; r++) {
        for (int p = 0; p < k; p++) panel[(size_t)p * GEMM_MR + r] = 0.0f;
      }
    }
  }
}

#ifdef __x86_64__
/*
 * One GEMM_MR x GEMM_NR block of C; only its first `rows` rows and `cols`
 * columns are written. Value (r, p) of the A block is a[r * row_step + p * column_step]:
 * a packed panel, or GEMM_MR whole rows of a row-major A read in place.
 */
__attribute__((target("avx512f"), always_inline)) static inline void gemm_block(int k, const float *a, size_t row_step, size_t column_step,
                                                                               const float *packed_b, float *c, int ldc, int rows, int cols,
                                                                               int accumulate) {
  __m512 sum[GEMM_MR][2];
  for (int r = 0; r < GEMM_MR; r++) sum[r][0] = sum[r][1] = _mm512_setzero_ps();
  for (int p = 0; p < k; p++) {
    __m512 b0 = _mm512_load_ps(packed_b + (size_t)p * GEMM_NR);
    __m512 b1 = _mm512_load_ps(packed_b + (size_t)p * GEMM_NR + 16);
    const float *column = a + (size_t)p * column_step;
    for (int r = 0; r < GEMM_MR; r++) {
      __m512 value = _mm512_set1_ps(column[(size_t)r * row_step]);
      sum[r][0] = _mm512_fmadd_ps(value, b0, sum[r][0]);
      sum[r][1] = _mm512_fmadd_ps(value, b1, sum[r][1]);
    }
  }
  __mmask16 low = cols >= 16 ? 0xFFFF : (__mmask16)((1u << cols) - 1);
  __mmask16 high = 0;
  if (cols >= 32) {
    high = 0xFFFF;
  } else if (cols > 16) {
    high = (__mmask16)((1u << (cols - 16)) - 1);
  }
  for (int r = 0; r < rows; r++) {
    float *out = c + (size_t)r * ldc;
    __m512 v0 = sum[r][0], v1 = sum[r][1];
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(low, out));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(high, out + 16));
    }
    _mm512_mask_storeu_ps(out, low, v0);
    _mm512_mask_storeu_ps(out + 16, high, v1);
  }
}

__attribute__((target("avx512f"))) static void gemm_block_packed(int k, const float *packed_a, const float *packed_b, float *c, int ldc,
                                                                 int rows, int cols, int accumulate) {
  gemm_block(k, packed_a, 1, GEMM_MR, packed_b, c, ldc, rows, cols, accumulate);
}

__attribute__((target("avx512f"))) static void gemm_block_rows(int k, const float *a, int lda, const float *packed_b, float *c, int ldc,
                                                               int cols, int accumulate) {
  gemm_block(k, a, (size_t)lda, 1, packed_b, c, ldc, GEMM_MR, cols, accumulate);
}
#endif

/*
 * The AVX-512 product. Returns 0, leaving C untouched, when its buffers
 * cannot be allocated. A row-major op(A) is read in place, except a last
 * panel of fewer than GEMM_MR rows, which is packed like a transposed op(A).
 */
static int gemm_avx512(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                       int accumulate, float *c, int ldc) {
#ifdef __x86_64__
  int row_panels = (m + GEMM_MR - 1) / GEMM_MR, column_panels = (n + GEMM_NR - 1) / GEMM_NR;
  int whole_panels = trans_a ? 0 : m / GEMM_MR;
  const float *packed_a_from = trans_a ? a : a + (size_t)whole_panels * GEMM_MR * lda;
  float *packed_a = gemm_buffer(&gemm_packed_a, &gemm_packed_a_size, (size_t)(row_panels - whole_panels) * GEMM_MR * k + 1);
  float *packed_b = gemm_buffer(&gemm_packed_b, &gemm_packed_b_size, (size_t)column_panels * GEMM_NR * k);
  if (packed_a == NULL || packed_b == NULL) {
    gemm_release_large_buffers();
    return 0;
  }
  if (trans_a) {
    gemm_pack_a(1, m, k, packed_a_from, lda, packed_a);
  } else if (whole_panels < row_panels) {
    gemm_pack_a(0, m - whole_panels * GEMM_MR, k, packed_a_from, lda, packed_a);
  }
  gemm_pack_b(trans_b, k, n, b, ldb, packed_b);
  /* Panels are k-major, so a block of k starts k0 values into each of them. */
  for (int k0 = 0; k0 < k; k0 += GEMM_KC) {
    int depth = k - k0 < GEMM_KC ? k - k0 : GEMM_KC;
    int add = accumulate || k0 > 0;
    for (int jp = 0; jp < column_panels; jp++) {
      int cols = n - jp * GEMM_NR < GEMM_NR ? n - jp * GEMM_NR : GEMM_NR;
      const float *panel_b = packed_b + ((size_t)jp * k + k0) * GEMM_NR;
      for (int ip = 0; ip < row_panels; ip++) {
        float *block = c + (size_t)ip * GEMM_MR * ldc + jp * GEMM_NR;
        if (ip < whole_panels) {
          gemm_block_rows(depth, a + (size_t)ip * GEMM_MR * lda + k0, lda, panel_b, block, ldc, cols, add);
        } else {
          int rows = m - ip * GEMM_MR < GEMM_MR ? m - ip * GEMM_MR : GEMM_MR;
          const float *panel_a = packed_a + ((size_t)(ip - whole_panels) * k + k0) * GEMM_MR;
          gemm_block_packed(depth, panel_a, panel_b, block, ldc, rows, cols, add);
        }
      }
    }
  }
  gemm_release_large_buffers();
  return 1;
#else
  (void)trans_a, (void)trans_b, (void)m, (void)n, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)accumulate, (void)c, (void)ldc;
  return 0;
#endif
}

/*
 * C = op(A) op(B), or C += op(A) op(B) when `accumulate`, all row-major with
 * m, n, k > 0. Products with at most 16 columns or under 32^3 multiply-adds
 * stay with the BLAS, because half of each 32-column panel would be padding
 * or packing would cost more than it saves.
 */
static void gemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b, int ldb, int accumulate,
                 float *c, int ldc) {
  if (own_gemm && n > 16 && (double)m * n * k >= 32768.0 &&
      gemm_avx512(trans_a, trans_b, m, n, k, a, lda, b, ldb, accumulate, c, ldc)) {
    return;
  }
  sgemm(CBLAS_ROW_MAJOR, trans_a ? CBLAS_TRANS : CBLAS_NO_TRANS, trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, 1.0f, a, lda, b,
        ldb, accumulate ? 1.0f : 0.0f, c, ldc);
}

/* Whether the BLAS core is one of OpenBLAS's AVX-512 kernel families. */
static int blas_core_has_avx512(void) {
  const char *families[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
  for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
    if (strcasecmp(blas_core, families[i]) == 0) return 1;
  }
  return 0;
}

static void choose_gemm(void) {
#ifdef __x86_64__
  __builtin_cpu_init();
  own_gemm = sgemm != NULL && __builtin_cpu_supports("avx512f") && !blas_core_has_avx512();
#endif
}

/* ---- argument helpers ---- */

typedef struct {
  char *heap;
  size_t heap_bytes;
  const double *args;
  size_t count;
} call_t;

static int read_heap_and_args(napi_env env, napi_value *argv, size_t expected, call_t *call) {
  void *heap = NULL;
  if (napi_get_arraybuffer_info(env, argv[0], &heap, &call->heap_bytes) != napi_ok) {
    napi_throw_type_error(env, NULL, "the first argument must be the wasm heap's ArrayBuffer");
    return 0;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || length != expected) {
    char message[128];
    snprintf(message, sizeof message, "the second argument must be a Float64Array of %zu values", expected);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  call->heap = heap;
  call->args = data;
  call->count = length;
  return 1;
}

static int read_call(napi_env env, napi_callback_info info, size_t expected, call_t *call) {
  if (sgemm == NULL) {
    napi_throw_error(env, NULL, "no BLAS library was loaded; see info().error");
    return 0;
  }
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2) {
    napi_throw_type_error(env, NULL, "expected (heap: ArrayBuffer, args: Float64Array)");
    return 0;
  }
  return read_heap_and_args(env, argv, expected, call);
}

/* A float pointer at byte offset args[index], after checking that `floats` values fit in the heap. */
static float *heap_floats(napi_env env, const call_t *call, size_t index, double floats) {
  double offset = call->args[index];
  if (offset < 0 || floats < 0 || fmod(offset, 4.0) != 0 ||
      offset + floats * 4.0 > (double)call->heap_bytes) {
    napi_throw_range_error(env, NULL, "a tensor lies outside the wasm heap");
    return NULL;
  }
  return (float *)(call->heap + (size_t)offset);
}

static napi_value undefined_value(napi_env env) {
  napi_value value;
  napi_get_undefined(env, &value);
  return value;
}

/* max(0, x) as the cpu backend computes it (Math.max): NaN stays NaN, -0 becomes 0. */
static inline float relu_of(float x) {
  return x > 0.0f ? x : (x == x ? 0.0f : x);
}

static void bias_activation(float *out, size_t rows, int columns, const float *bias, int relu) {
  for (size_t r = 0; r < rows; r++) {
    float *row = out + r * (size_t)columns;
    if (bias != NULL) {
      for (int c = 0; c < columns; c++) row[c] += bias[c];
    }
    if (relu) {
      for (int c = 0; c < columns; c++) row[c] = relu_of(row[c]);
    }
  }
}

/*
 * matMul(heap, [aOffset, bOffset, cOffset, biasOffset (-1: none), relu (0 or 1),
 *               batchA, batchB, m, n, k, transposeA, transposeB])
 * a is [batchA, m, k] (or [batchA, k, m] transposed), b is [batchB, k, n] (or
 * [batchB, n, k]); a batch of 1 is broadcast. c is [max(batchA, batchB), m, n].
 */
static napi_value mat_mul(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 12, &call)) return NULL;
  const double *g = call.args;
  int relu = (int)g[4], batch_a = (int)g[5], batch_b = (int)g[6];
  int m = (int)g[7], n = (int)g[8], k = (int)g[9], trans_a = (int)g[10], trans_b = (int)g[11];
  /* A batch of 1 is broadcast; an empty batch gives an empty product. */
  int batch = batch_a == 0 || batch_b == 0 ? 0 : (batch_a > batch_b ? batch_a : batch_b);
  const float *a = heap_floats(env, &call, 0, (double)batch_a * m * k);
  const float *b = a == NULL ? NULL : heap_floats(env, &call, 1, (double)batch_b * k * n);
  float *c = b == NULL ? NULL : heap_floats(env, &call, 2, (double)batch * m * n);
  if (c == NULL) return NULL;
  const float *bias = NULL;
  if (g[3] >= 0 && (bias = heap_floats(env, &call, 3, n)) == NULL) return NULL;

  for (int i = 0; i < batch; i++) {
    const float *ai = a + (batch_a == 1 ? 0 : (size_t)i * m * k);
    const float *bi = b + (batch_b == 1 ? 0 : (size_t)i * k * n);
    float *ci = c + (size_t)i * m * n;
    if (m > 0 && n > 0) {
      if (k == 0) {
        memset(ci, 0, (size_t)m * n * sizeof(float));
      } else {
        gemm(trans_a, trans_b, m, n, k, ai, trans_a ? m : k, bi, trans_b ? k : n, 0, ci, n);
      }
    }
  }
  if (bias != NULL || relu) bias_activation(c, (size_t)batch * m, n, bias, relu);
  return undefined_value(env);
}

/* ---- elementwise kernels of training ---- */

#if defined(__x86_64__) && defined(__GNUC__)
#define MULTI_TARGET __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MULTI_TARGET
#endif

MULTI_TARGET
static void add_rows(const float *restrict x, const float *restrict row, float *restrict out, size_t rows, size_t width) {
  for (size_t r = 0; r < rows; r++) {
    const float *restrict source = x + r * width;
    float *restrict target = out + r * width;
    for (size_t c = 0; c < width; c++) target[c] = source[c] + row[c];
  }
}

/* add(heap, [aOffset, bOffset, outOffset, size, width]): out = a + b, where b has `width` values repeated along a. */
static napi_value add(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 5, &call)) return NULL;
  double size = call.args[3], width = call.args[4];
  if (width < 1 || size < 0 || fmod(size, width) != 0) {
    napi_throw_range_error(env, NULL, "the size must be a multiple of the width");
    return NULL;
  }
  const float *a = heap_floats(env, &call, 0, size);
  const float *b = a == NULL ? NULL : heap_floats(env, &call, 1, width);
  float *out = b == NULL ? NULL : heap_floats(env, &call, 2, size);
  if (out == NULL) return NULL;
  add_rows(a, b, out, (size_t)(size / width), (size_t)width);
  return undefined_value(env);
}

MULTI_TARGET
static void relu_values(const float *restrict x, float *restrict out, size_t size) {
  for (size_t i = 0; i < size; i++) out[i] = relu_of(x[i]);
}

/* relu(heap, [xOffset, outOffset, size]) */
static napi_value relu(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 3, &call)) return NULL;
  const float *x = heap_floats(env, &call, 0, call.args[2]);
  float *out = x == NULL ? NULL : heap_floats(env, &call, 1, call.args[2]);
  if (out == NULL) return NULL;
  relu_values(x, out, (size_t)call.args[2]);
  return undefined_value(env);
}

/*
 * The ReLU gradient dy * step(x) in one pass, as tfjs-core computes it in two
 * (step(x) is 1 above zero, 0 at or below it, NaN for NaN).
 */
MULTI_TARGET
static void relu_grad_values(const float *restrict dy, const float *restrict x, float *restrict out, size_t size) {
  for (size_t i = 0; i < size; i++) {
    float step = x[i] > 0.0f ? 1.0f : (x[i] == x[i] ? 0.0f : x[i]);
    out[i] = dy[i] * step;
  }
}

/* reluGrad(heap, [dyOffset, xOffset, outOffset, size]) */
static napi_value relu_grad(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 4, &call)) return NULL;
  double size = call.args[3];
  const float *dy = heap_floats(env, &call, 0, size);
  const float *x = dy == NULL ? NULL : heap_floats(env, &call, 1, size);
  float *out = x == NULL ? NULL : heap_floats(env, &call, 2, size);
  if (out == NULL) return NULL;
  relu_grad_values(dy, x, out, (size_t)size);
  return undefined_value(env);
}

/* ---- convolutions ---- */

/*
 * Products with a short inner dimension, as in the first convolution layer
 * (a 3x3 patch of one channel is 9 values). OpenBLAS reaches a third of its
 * speed there. These loops keep eight output columns in one AVX2 register
 * (4x faster than plain C loops, which GCC did not vectorize well, and 1.2 to
 * 1.6x faster than OpenBLAS for 21,632 x 9 times 9 x 16). They are used on
 * x86-64 CPUs with AVX2 when the column count is a multiple of 8.
 */
#define SMALL_K 32

#if defined(__x86_64__) && defined(__GNUC__)
typedef float vector8_t __attribute__((vector_size(32), aligned(4)));

/* c[rows, n] = a[rows, k] * b[k, n]. */
__attribute__((target("avx2"))) static void small_k_product(const float *restrict a, const float *restrict b, float *restrict c,
                                                            size_t rows, int k, int n) {
  for (int first = 0; first < n; first += 8) {
    vector8_t weights[SMALL_K];
    for (int t = 0; t < k; t++) weights[t] = *(const vector8_t *)(b + (size_t)t * n + first);
    for (size_t r = 0; r < rows; r++) {
      const float *row = a + r * k;
      vector8_t sum = {0};
      for (int t = 0; t < k; t++) sum += row[t] * weights[t];
      *(vector8_t *)(c + r * n + first) = sum;
    }
  }
}

/* c[k, n] = a[rows, k]^T * b[rows, n], added to c when `accumulate` is set. */
__attribute__((target("avx2"))) static void small_k_transposed_product(const float *restrict a, const float *restrict b,
                                                                       float *restrict c, size_t rows, int k, int n,
                                                                       int accumulate) {
  for (int first = 0; first < n; first += 8) {
    vector8_t sums[SMALL_K];
    for (int t = 0; t < k; t++) sums[t] = accumulate ? *(const vector8_t *)(c + (size_t)t * n + first) : (vector8_t){0};
    for (size_t r = 0; r < rows; r++) {
      const float *row = a + r * k;
      vector8_t gradient = *(const vector8_t *)(b + r * n + first);
      for (int t = 0; t < k; t++) sums[t] += row[t] * gradient;
    }
    for (int t = 0; t < k; t++) *(vector8_t *)(c + (size_t)t * n + first) = sums[t];
  }
}

static int use_small_k(size_t k, int n) {
  return k <= SMALL_K && n % 8 == 0 && __builtin_cpu_supports("avx2");
}
#else
static int use_small_k(size_t k, int n) {
  (void)k;
  (void)n;
  return 0;
}
#define small_k_product(a, b, c, rows, k, n) ((void)0)
#define small_k_transposed_product(a, b, c, rows, k, n, accumulate) ((void)0)
#endif

typedef struct {
  int batch, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w;
  int stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
} conv_t;

#define CONV_ARGS 15

static void read_conv(const double *g, conv_t *conv) {
  conv->batch = (int)g[0];
  conv->in_h = (int)g[1];
  conv->in_w = (int)g[2];
  conv->in_c = (int)g[3];
  conv->out_h = (int)g[4];
  conv->out_w = (int)g[5];
  conv->out_c = (int)g[6];
  conv->filter_h = (int)g[7];
  conv->filter_w = (int)g[8];
  conv->stride_h = (int)g[9];
  conv->stride_w = (int)g[10];
  conv->dilation_h = (int)g[11];
  conv->dilation_w = (int)g[12];
  conv->pad_top = (int)g[13];
  conv->pad_left = (int)g[14];
}

static size_t patch_width(const conv_t *conv) {
  return (size_t)conv->filter_h * conv->filter_w * conv->in_c;
}

static size_t output_rows(const conv_t *conv) {
  return (size_t)conv->batch * conv->out_h * conv->out_w;
}

/* Output rows per chunk: as many as fit the scratch, at least one. */
static size_t chunk_rows(const conv_t *conv) {
  size_t width = patch_width(conv);
  size_t rows = width == 0 ? 1 : SCRATCH_FLOATS / width;
  return rows == 0 ? 1 : rows;
}

/* Position of output row `row`: image, output row and output column. */
typedef struct {
  size_t b;
  int oh, ow;
} position_t;

static position_t position_of(const conv_t *conv, size_t row) {
  position_t at = {row / ((size_t)conv->out_w * conv->out_h), (int)((row / conv->out_w) % conv->out_h),
                   (int)(row % conv->out_w)};
  return at;
}

/* The output columns [*low, *high) of a row at which filter column kw reads inside the input. */
static void inside_columns(const conv_t *conv, int kw, int *low, int *high) {
  /* iw = ow * stride - pad_left + kw * dilation must lie in [0, in_w). */
  int offset = kw * conv->dilation_w - conv->pad_left;
  int first = offset >= 0 ? 0 : (-offset + conv->stride_w - 1) / conv->stride_w;
  int last = conv->in_w - 1 - offset < 0 ? -1 : (conv->in_w - 1 - offset) / conv->stride_w;
  *low = first < conv->out_w ? first : conv->out_w;
  *high = last + 1 < *low ? *low : (last + 1 < conv->out_w ? last + 1 : conv->out_w);
}

/* A stretch of output rows that share one image and one output row: columns [ow, ow + length), `offset` rows into a chunk. */
typedef struct {
  size_t b, offset, length;
  int oh, ow;
} run_t;

typedef struct {
  position_t at;
  size_t done, count;
} runs_t;

static runs_t runs_of(const conv_t *conv, size_t first, size_t count) {
  runs_t runs = {position_of(conv, first), 0, count};
  return runs;
}

/* Moves to the next stretch of a chunk; returns 0 after the last. */
static int next_run(const conv_t *conv, runs_t *runs, run_t *run) {
  if (runs->done >= runs->count) return 0;
  size_t length = (size_t)(conv->out_w - runs->at.ow);
  if (length > runs->count - runs->done) length = runs->count - runs->done;
  run->b = runs->at.b;
  run->offset = runs->done;
  run->length = length;
  run->oh = runs->at.oh;
  run->ow = runs->at.ow;
  runs->done += length;
  runs->at.ow = 0;
  if (++runs->at.oh == conv->out_h) {
    runs->at.oh = 0;
    runs->at.b++;
  }
  return 1;
}

/*
 * Fills rows [first, first + count) of the patch matrix, columns ordered
 * (kh, kw, ci) like the filter: for each filter tap, one pass along the
 * output row, zeros where the tap falls in the padding.
 */
static void im2col(const float *x, const conv_t *conv, size_t first, size_t count, float *patches) {
  size_t width = patch_width(conv);
  size_t channels = (size_t)conv->in_c;
  runs_t runs = runs_of(conv, first, count);
  run_t run;
  while (next_run(conv, &runs, &run)) {
    size_t b = run.b, length = run.length;
    int oh = run.oh, ow = run.ow;
    float *run_start = patches + run.offset * width;
    for (int kh = 0; kh < conv->filter_h; kh++) {
      int ih = oh * conv->stride_h - conv->pad_top + kh * conv->dilation_h;
      int row_inside = ih >= 0 && ih < conv->in_h;
      const float *image_row = x + (b * conv->in_h + (row_inside ? ih : 0)) * conv->in_w * channels;
      for (int kw = 0; kw < conv->filter_w; kw++) {
        float *target = run_start + ((size_t)kh * conv->filter_w + kw) * channels;
        int low = 0, high = 0;
        if (row_inside) inside_columns(conv, kw, &low, &high);
        int column_offset = kw * conv->dilation_w - conv->pad_left;
        if (channels == 1) {
          /* First layers: one value per tap, without the channel loop. */
          for (size_t i = 0; i < length; i++, target += width) {
            int column = ow + (int)i;
            *target = column < low || column >= high ? 0.0f : image_row[column * conv->stride_w + column_offset];
          }
          continue;
        }
        for (size_t i = 0; i < length; i++, target += width) {
          int column = ow + (int)i;
          /* Loops rather than memcpy and memset: the runs are 1 to 64 values, too short for a call. */
          if (column < low || column >= high) {
            for (size_t c = 0; c < channels; c++) target[c] = 0.0f;
            continue;
          }
          const float *source = image_row + (size_t)(column * conv->stride_w + column_offset) * channels;
          for (size_t c = 0; c < channels; c++) target[c] = source[c];
        }
      }
    }
  }
}

/* Adds rows [first, first + count) of the patch matrix back into the input positions they came from. */
static void col2im_add(const float *patches, const conv_t *conv, size_t first, size_t count, float *dx) {
  size_t width = patch_width(conv);
  size_t channels = (size_t)conv->in_c;
  runs_t runs = runs_of(conv, first, count);
  run_t run;
  while (next_run(conv, &runs, &run)) {
    size_t b = run.b, length = run.length;
    int oh = run.oh, ow = run.ow;
    const float *run_start = patches + run.offset * width;
    for (int kh = 0; kh < conv->filter_h; kh++) {
      int ih = oh * conv->stride_h - conv->pad_top + kh * conv->dilation_h;
      if (ih < 0 || ih >= conv->in_h) continue;
      float *image_row = dx + (b * conv->in_h + ih) * conv->in_w * channels;
      for (int kw = 0; kw < conv->filter_w; kw++) {
        const float *source = run_start + ((size_t)kh * conv->filter_w + kw) * channels;
        int low, high;
        inside_columns(conv, kw, &low, &high);
        int column_offset = kw * conv->dilation_w - conv->pad_left;
        int begin = ow > low ? ow : low;
        int end = ow + (int)length < high ? ow + (int)length : high;
        source += (size_t)(begin - ow) * width;
        for (int column = begin; column < end; column++, source += width) {
          float *target = image_row + (size_t)(column * conv->stride_w + column_offset) * channels;
          for (size_t c = 0; c < channels; c++) target[c] += source[c];
        }
      }
    }
  }
}

/* Checks the sizes (tensor sizes may be 0; filter sizes, strides and dilations not) and allocates the patch matrix. */
static int conv_sizes_ok(napi_env env, const conv_t *conv) {
  if (conv->batch < 0 || conv->in_h < 0 || conv->in_w < 0 || conv->in_c < 0 || conv->out_h < 0 || conv->out_w < 0 ||
      conv->out_c < 0 || conv->filter_h < 1 || conv->filter_w < 1 || conv->stride_h < 1 || conv->stride_w < 1 ||
      conv->dilation_h < 1 || conv->dilation_w < 1) {
    napi_throw_range_error(env, NULL, "convolution sizes must not be negative, and filter sizes, strides and dilations must be positive");
    return 0;
  }
  if (patch_width(conv) > 0 && scratch_of(chunk_rows(conv) * patch_width(conv)) == NULL) {
    napi_throw_error(env, NULL, "out of memory for the convolution's patch matrix");
    return 0;
  }
  return 1;
}

/* conv2d(heap, [xOffset, filterOffset, yOffset, biasOffset (-1: none), relu, ...15 sizes]) */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 5 + CONV_ARGS, &call)) return NULL;
  conv_t conv;
  read_conv(call.args + 5, &conv);
  if (!conv_sizes_ok(env, &conv)) return NULL;
  size_t width = patch_width(&conv), rows = output_rows(&conv);
  const float *x = heap_floats(env, &call, 0, (double)conv.batch * conv.in_h * conv.in_w * conv.in_c);
  const float *filter = x == NULL ? NULL : heap_floats(env, &call, 1, (double)width * conv.out_c);
  float *y = filter == NULL ? NULL : heap_floats(env, &call, 2, (double)rows * conv.out_c);
  if (y == NULL) return NULL;
  const float *bias = NULL;
  if (call.args[3] >= 0 && (bias = heap_floats(env, &call, 3, conv.out_c)) == NULL) return NULL;
  if (width == 0) {
    /* No input channels: every sum is empty, so the output is the bias and activation of zeros. */
    memset(y, 0, rows * conv.out_c * sizeof(float));
    bias_activation(y, rows, conv.out_c, bias, call.args[4] != 0);
    return undefined_value(env);
  }

  size_t step = chunk_rows(&conv);
  for (size_t first = 0; first < rows; first += step) {
    size_t count = rows - first < step ? rows - first : step;
    im2col(x, &conv, first, count, scratch);
    if (use_small_k(width, conv.out_c)) {
      small_k_product(scratch, filter, y + first * conv.out_c, count, (int)width, conv.out_c);
    } else {
      gemm(0, 0, (int)count, conv.out_c, (int)width, scratch, (int)width, filter, conv.out_c, 0, y + first * conv.out_c, conv.out_c);
    }
    /* While the chunk's output is still in the cache. */
    if (bias != NULL || call.args[4] != 0) bias_activation(y + first * conv.out_c, count, conv.out_c, bias, call.args[4] != 0);
  }
  return undefined_value(env);
}

/* conv2dBackpropInput(heap, [dyOffset, filterOffset, dxOffset, ...15 sizes]) */
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 3 + CONV_ARGS, &call)) return NULL;
  conv_t conv;
  read_conv(call.args + 3, &conv);
  if (!conv_sizes_ok(env, &conv)) return NULL;
  size_t width = patch_width(&conv), rows = output_rows(&conv);
  size_t input_size = (size_t)conv.batch * conv.in_h * conv.in_w * conv.in_c;
  const float *dy = heap_floats(env, &call, 0, (double)rows * conv.out_c);
  const float *filter = dy == NULL ? NULL : heap_floats(env, &call, 1, (double)width * conv.out_c);
  float *dx = filter == NULL ? NULL : heap_floats(env, &call, 2, (double)input_size);
  if (dx == NULL) return NULL;

  memset(dx, 0, input_size * sizeof(float));
  /* Without output channels or input channels there is nothing to add. */
  if (conv.out_c == 0 || width == 0) return undefined_value(env);
  size_t step = chunk_rows(&conv);
  for (size_t first = 0; first < rows; first += step) {
    size_t count = rows - first < step ? rows - first : step;
    gemm(0, 1, (int)count, (int)width, conv.out_c, dy + first * conv.out_c, conv.out_c, filter, conv.out_c, 0, scratch, (int)width);
    col2im_add(scratch, &conv, first, count, dx);
  }
  return undefined_value(env);
}

/* conv2dBackpropFilter(heap, [xOffset, dyOffset, dwOffset, ...15 sizes]) */
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 3 + CONV_ARGS, &call)) return NULL;
  conv_t conv;
  read_conv(call.args + 3, &conv);
  if (!conv_sizes_ok(env, &conv)) return NULL;
  size_t width = patch_width(&conv), rows = output_rows(&conv);
  const float *x = heap_floats(env, &call, 0, (double)conv.batch * conv.in_h * conv.in_w * conv.in_c);
  const float *dy = x == NULL ? NULL : heap_floats(env, &call, 1, (double)rows * conv.out_c);
  float *dw = dy == NULL ? NULL : heap_floats(env, &call, 2, (double)width * conv.out_c);
  if (dw == NULL) return NULL;

  if (rows == 0 || width == 0 || conv.out_c == 0) {
    memset(dw, 0, width * conv.out_c * sizeof(float));
    return undefined_value(env);
  }
  size_t step = chunk_rows(&conv);
  for (size_t first = 0; first < rows; first += step) {
    size_t count = rows - first < step ? rows - first : step;
    im2col(x, &conv, first, count, scratch);
    if (use_small_k(width, conv.out_c)) {
      small_k_transposed_product(scratch, dy + first * conv.out_c, dw, count, (int)width, conv.out_c, first != 0);
    } else {
      gemm(1, 0, (int)width, conv.out_c, (int)count, scratch, (int)width, dy + first * conv.out_c, conv.out_c, first != 0, dw,
           conv.out_c);
    }
  }
  return undefined_value(env);
}

/* The 12 pooling sizes that worker/engine/native-kernels.ts writes (writePoolSizes), in that order. */
typedef struct {
  int batch, in_h, in_w, channels, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
} pool_t;

/* Reads the pooling sizes from `sizes`. Throws a RangeError and returns 0 when one is out of range. */
static int read_pool(napi_env env, const double *sizes, pool_t *pool) {
  int *fields[] = {&pool->batch,    &pool->in_h,     &pool->in_w,     &pool->channels, &pool->out_h,   &pool->out_w,
                   &pool->filter_h, &pool->filter_w, &pool->stride_h, &pool->stride_w, &pool->pad_top, &pool->pad_left};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) *fields[i] = (int)sizes[i];
  if (pool->batch < 0 || pool->in_h < 1 || pool->in_w < 1 || pool->channels < 1 || pool->out_h < 0 || pool->out_w < 0 ||
      pool->filter_h < 1 || pool->filter_w < 1 || pool->stride_h < 1 || pool->stride_w < 1) {
    napi_throw_range_error(env, NULL, "pooling sizes must be positive");
    return 0;
  }
  return 1;
}

/*
 * The maximum of each pooling window, as the cpu backend computes it: strictly
 * greater values win, starting from -Infinity, so NaN never wins and a
 * window of only NaN gives -Infinity. Whole 2x2 windows with stride 2 take
 * comparison masks four channels at a time.
 */
static void max_pool_values(const float *x, float *y, const pool_t *pool) {
  size_t y_index = 0;
  for (int b = 0; b < pool->batch; b++) {
    for (int oy = 0; oy < pool->out_h; oy++) {
      int row_start = oy * pool->stride_h - pool->pad_top;
      int row_end = row_start + pool->filter_h < pool->in_h ? row_start + pool->filter_h : pool->in_h;
      if (row_start < 0) row_start = 0;
      for (int ox = 0; ox < pool->out_w; ox++, y_index += pool->channels) {
        int col_start = ox * pool->stride_w - pool->pad_left;
        int col_end = col_start + pool->filter_w < pool->in_w ? col_start + pool->filter_w : pool->in_w;
        if (col_start < 0) col_start = 0;
        float *target = y + y_index;
        int d = 0;
#ifdef __SSE2__
        int whole_2x2 = pool->filter_h == 2 && pool->filter_w == 2 && row_end - row_start == 2 && col_end - col_start == 2;
        if (whole_2x2) {
          const float *p00 = x + (((size_t)b * pool->in_h + row_start) * pool->in_w + col_start) * pool->channels;
          const float *p01 = p00 + pool->channels, *p10 = p00 + (size_t)pool->in_w * pool->channels, *p11 = p10 + pool->channels;
          for (; d + 4 <= pool->channels; d += 4) {
            __m128 max = _mm_set1_ps(-INFINITY);
            __m128 value = _mm_loadu_ps(p00 + d);
            __m128 greater = _mm_cmpgt_ps(value, max);
            max = _mm_or_ps(_mm_and_ps(greater, value), _mm_andnot_ps(greater, max));
            value = _mm_loadu_ps(p01 + d);
            greater = _mm_cmpgt_ps(value, max);
            max = _mm_or_ps(_mm_and_ps(greater, value), _mm_andnot_ps(greater, max));
            value = _mm_loadu_ps(p10 + d);
            greater = _mm_cmpgt_ps(value, max);
            max = _mm_or_ps(_mm_and_ps(greater, value), _mm_andnot_ps(greater, max));
            value = _mm_loadu_ps(p11 + d);
            greater = _mm_cmpgt_ps(value, max);
            max = _mm_or_ps(_mm_and_ps(greater, value), _mm_andnot_ps(greater, max));
            _mm_storeu_ps(target + d, max);
          }
        }
#endif
        for (; d < pool->channels; d++) {
          float max = -INFINITY;
          for (int xr = row_start; xr < row_end; xr++) {
            for (int xc = col_start; xc < col_end; xc++) {
              float value = x[(((size_t)b * pool->in_h + xr) * pool->in_w + xc) * pool->channels + d];
              if (value > max) max = value;
            }
          }
          target[d] = max;
        }
      }
    }
  }
}

/*
 * maxPool(heap, [xOffset, yOffset, batch, inH, inW, channels, outH, outW,
 *                filterH, filterW, strideH, strideW, padTop, padLeft])
 */
static napi_value max_pool(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 14, &call)) return NULL;
  pool_t pool;
  if (!read_pool(env, call.args + 2, &pool)) return NULL;
  const float *x = heap_floats(env, &call, 0, (double)pool.batch * pool.in_h * pool.in_w * pool.channels);
  float *y = x == NULL ? NULL : heap_floats(env, &call, 1, (double)pool.batch * pool.out_h * pool.out_w * pool.channels);
  if (y == NULL) return NULL;
  max_pool_values(x, y, &pool);
  return undefined_value(env);
}

/*
 * The gradient of whole 2x2 windows over `channels` channels. Position k gets
 * the gradient when its value is strictly greater than the maximum of the
 * positions before it and no later position is strictly greater still: the
 * first maximum in row-major order, never NaN. Written with comparison masks
 * instead of branches, which random data makes unpredictable (3x slower).
 */
static void whole_window_grad(const float *p00, const float *p01, const float *p10, const float *p11, const float *g,
                              float *d00, float *d01, float *d10, float *d11, int channels) {
  int d = 0;
#ifdef __SSE2__
  const __m128 negative_infinity = _mm_set1_ps(-INFINITY);
  for (; d + 4 <= channels; d += 4) {
    __m128 a = _mm_loadu_ps(p00 + d), b = _mm_loadu_ps(p01 + d), c = _mm_loadu_ps(p10 + d), e = _mm_loadu_ps(p11 + d);
    __m128 gradient = _mm_loadu_ps(g + d);
    __m128 win0 = _mm_cmpgt_ps(a, negative_infinity);
    __m128 max = _mm_or_ps(_mm_and_ps(win0, a), _mm_andnot_ps(win0, negative_infinity));
    __m128 win1 = _mm_cmpgt_ps(b, max);
    max = _mm_or_ps(_mm_and_ps(win1, b), _mm_andnot_ps(win1, max));
    __m128 win2 = _mm_cmpgt_ps(c, max);
    max = _mm_or_ps(_mm_and_ps(win2, c), _mm_andnot_ps(win2, max));
    __m128 win3 = _mm_cmpgt_ps(e, max);
    /* A later win overrides an earlier one. */
    win2 = _mm_andnot_ps(win3, win2);
    win1 = _mm_andnot_ps(_mm_or_ps(win2, win3), win1);
    win0 = _mm_andnot_ps(_mm_or_ps(win1, _mm_or_ps(win2, win3)), win0);
    _mm_storeu_ps(d00 + d, _mm_and_ps(win0, gradient));
    _mm_storeu_ps(d01 + d, _mm_and_ps(win1, gradient));
    _mm_storeu_ps(d10 + d, _mm_and_ps(win2, gradient));
    _mm_storeu_ps(d11 + d, _mm_and_ps(win3, gradient));
  }
#endif
  for (; d < channels; d++) {
    float max = -INFINITY;
    int position = -1;
    if (p00[d] > max) {
      max = p00[d];
      position = 0;
    }
    if (p01[d] > max) {
      max = p01[d];
      position = 1;
    }
    if (p10[d] > max) {
      max = p10[d];
      position = 2;
    }
    if (p11[d] > max) position = 3;
    d00[d] = position == 0 ? g[d] : 0.0f;
    d01[d] = position == 1 ? g[d] : 0.0f;
    d10[d] = position == 2 ? g[d] : 0.0f;
    d11[d] = position == 3 ? g[d] : 0.0f;
  }
}

/*
 * The gradient of a 2x2 pool with stride 2 and no top or left padding. Its
 * windows do not overlap, so each input position gets at most one gradient,
 * and the four comparisons are written out in row-major order. Windows cut
 * off by the bottom or right edge compare their inside positions only.
 */
static void max_pool_grad_2x2(const float *x, const float *dy, float *dx, int batch, int in_h, int in_w, int channels,
                              int out_h, int out_w) {
  size_t row = (size_t)in_w * channels;
  size_t dy_index = 0;
  for (int b = 0; b < batch; b++) {
    for (int oy = 0; oy < out_h; oy++) {
      int second_row = 2 * oy + 1 < in_h;
      for (int ox = 0; ox < out_w; ox++, dy_index += channels) {
        int second_column = 2 * ox + 1 < in_w;
        size_t top_left = (((size_t)b * in_h + 2 * oy) * in_w + 2 * ox) * channels;
        const float *p00 = x + top_left, *p01 = p00 + channels, *p10 = p00 + row, *p11 = p10 + channels;
        float *d00 = dx + top_left, *d01 = d00 + channels, *d10 = d00 + row, *d11 = d10 + channels;
        const float *g = dy + dy_index;
        if (second_row && second_column) {
          whole_window_grad(p00, p01, p10, p11, g, d00, d01, d10, d11, channels);
          continue;
        }
        /* A window cut off by the bottom or right edge compares its inside positions only. */
        for (int d = 0; d < channels; d++) {
          float max = -INFINITY;
          float *target = NULL;
          if (p00[d] > max) {
            max = p00[d];
            target = d00 + d;
          }
          if (second_column && p01[d] > max) {
            max = p01[d];
            target = d01 + d;
          }
          if (second_row && p10[d] > max) {
            max = p10[d];
            target = d10 + d;
          }
          if (target != NULL) *target = g[d];
        }
      }
    }
  }
}

/*
 * maxPoolGrad(heap, [xOffset, dyOffset, dxOffset, batch, inH, inW, channels,
 *                    outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft])
 * Each window sends its gradient to the first position in row-major order that
 * contains its maximum, like the cpu backend; a window of only NaN or -Infinity
 * sends none.
 */
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  call_t call;
  if (!read_call(env, info, 15, &call)) return NULL;
  pool_t pool;
  if (!read_pool(env, call.args + 3, &pool)) return NULL;
  size_t input_size = (size_t)pool.batch * pool.in_h * pool.in_w * pool.channels;
  const float *x = heap_floats(env, &call, 0, (double)input_size);
  const float *dy = x == NULL ? NULL : heap_floats(env, &call, 1, (double)pool.batch * pool.out_h * pool.out_w * pool.channels);
  float *dx = dy == NULL ? NULL : heap_floats(env, &call, 2, (double)input_size);
  if (dx == NULL) return NULL;

  memset(dx, 0, input_size * sizeof(float));
  if (pool.filter_h == 2 && pool.filter_w == 2 && pool.stride_h == 2 && pool.stride_w == 2 && pool.pad_top == 0 && pool.pad_left == 0) {
    max_pool_grad_2x2(x, dy, dx, pool.batch, pool.in_h, pool.in_w, pool.channels, pool.out_h, pool.out_w);
    return undefined_value(env);
  }

  float *max_value = scratch_of((size_t)pool.channels);
  /* Positions fit in a float's integer range only up to 2^24, so they get their own array. */
  size_t *max_index = malloc((size_t)pool.channels * sizeof(size_t));
  if (max_value == NULL || max_index == NULL) {
    free(max_index);
    napi_throw_error(env, NULL, "out of memory for pooling");
    return NULL;
  }
  const size_t none = (size_t)-1;
  size_t dy_index = 0;
  for (int b = 0; b < pool.batch; b++) {
    for (int oy = 0; oy < pool.out_h; oy++) {
      int row_start = oy * pool.stride_h - pool.pad_top;
      int row_end = row_start + pool.filter_h < pool.in_h ? row_start + pool.filter_h : pool.in_h;
      for (int ox = 0; ox < pool.out_w; ox++) {
        int col_start = ox * pool.stride_w - pool.pad_left;
        int col_end = col_start + pool.filter_w < pool.in_w ? col_start + pool.filter_w : pool.in_w;
        for (int d = 0; d < pool.channels; d++) {
          max_value[d] = -INFINITY;
          max_index[d] = none;
        }
        for (int xr = row_start < 0 ? 0 : row_start; xr < row_end; xr++) {
          for (int xc = col_start < 0 ? 0 : col_start; xc < col_end; xc++) {
            size_t base = (((size_t)b * pool.in_h + xr) * pool.in_w + xc) * pool.channels;
            for (int d = 0; d < pool.channels; d++) {
              /* Strictly greater, so the first maximum wins and NaN never does. */
              if (x[base + d] > max_value[d]) {
                max_value[d] = x[base + d];
                max_index[d] = base + d;
              }
            }
          }
        }
        for (int d = 0; d < pool.channels; d++, dy_index++) {
          if (max_index[d] != none) dx[max_index[d]] += dy[dy_index];
        }
      }
    }
  }
  free(max_index);
  return undefined_value(env);
}

/*
 * Runs the Adam loop. Every operation is an IEEE float32 one, without
 * contraction into fused multiply-adds, so the vectorized loop gives the same
 * bits as one value at a time. The compiler builds it for AVX-512, AVX2 and
 * plain x86-64, and one is picked at load time.
 */
MULTI_TARGET
static void adam_update(const float *restrict values, const float *restrict gradient, float *restrict updated,
                        float *restrict first, float *restrict second, size_t length, const double *constants) {
  const float beta1 = (float)constants[0], beta2 = (float)constants[1];
  const float one_minus_beta1 = (float)constants[2], one_minus_beta2 = (float)constants[3];
  const float one_minus_acc1 = (float)constants[4], one_minus_acc2 = (float)constants[5];
  const float epsilon = (float)constants[6], rate = (float)constants[7];
  for (size_t i = 0; i < length; i++) {
    float grad = gradient[i];
    float m = first[i] * beta1 + grad * one_minus_beta1;
    float v = second[i] * beta2 + (grad * grad) * one_minus_beta2;
    first[i] = m;
    second[i] = v;
    float step = (m / one_minus_acc1) / (sqrtf(v / one_minus_acc2) + epsilon);
    updated[i] = step * rate + values[i];
  }
}

/*
 * adam(heap, [valuesOffset, gradientOffset, updatedOffset, length, beta1, beta2,
 *             oneMinusBeta1, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2,
 *             epsilon, negativeRate], first: Float32Array, second: Float32Array)
 * Runs one Adam step in the order of tf.train.adam, with every operation
 * rounded to float32 as worker/engine/wasm-adam.ts does in JavaScript. The
 * moments stay in JavaScript arrays and are updated in place.
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4) {
    napi_throw_type_error(env, NULL, "expected (heap, args, first, second)");
    return NULL;
  }
  call_t call;
  if (!read_heap_and_args(env, argv, 12, &call)) return NULL;
  const double *g = call.args;
  size_t length = (size_t)g[3];
  float *moments[2];
  for (int i = 0; i < 2; i++) {
    napi_typedarray_type type;
    size_t count;
    void *data;
    if (napi_get_typedarray_info(env, argv[2 + i], &type, &count, &data, NULL, NULL) != napi_ok ||
        type != napi_float32_array || count != length) {
      napi_throw_type_error(env, NULL, "the moments must be Float32Arrays as long as the variable");
      return NULL;
    }
    moments[i] = data;
  }
  const float *values = heap_floats(env, &call, 0, (double)length);
  const float *gradient = values == NULL ? NULL : heap_floats(env, &call, 1, (double)length);
  float *updated = gradient == NULL ? NULL : heap_floats(env, &call, 2, (double)length);
  if (updated == NULL) return NULL;

  adam_update(values, gradient, updated, moments[0], moments[1], length, g + 4);
  return undefined_value(env);
}

static napi_value blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, value;
  napi_create_object(env, &result);
  if (sgemm != NULL) {
    napi_create_string_utf8(env, blas_path, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, result, "blas", value);
    if (blas_core[0] != '\0') {
      napi_create_string_utf8(env, blas_core, NAPI_AUTO_LENGTH, &value);
      napi_set_named_property(env, result, "core", value);
    }
    napi_get_boolean(env, own_gemm != 0, &value);
    napi_set_named_property(env, result, "avx512Products", value);
  } else {
    napi_get_null(env, &value);
    napi_set_named_property(env, result, "blas", value);
    napi_create_string_utf8(env, blas_error[0] ? blas_error : "no BLAS library found", NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, result, "error", value);
  }
  return result;
}

/* disableAvx512Products(): keeps every product on the BLAS from now on (ROBUSTLAB_AVX512_PRODUCTS=off). */
static napi_value disable_avx512_products(napi_env env, napi_callback_info info) {
  (void)info;
  own_gemm = 0;
  return undefined_value(env);
}

static napi_value init(napi_env env, napi_value exports) {
  load_blas();
  choose_gemm();
  napi_property_descriptor properties[] = {
      {"info", NULL, blas_info, NULL, NULL, NULL, napi_default, NULL},
      {"disableAvx512Products", NULL, disable_avx512_products, NULL, NULL, NULL, napi_default, NULL},
      {"matMul", NULL, mat_mul, NULL, NULL, NULL, napi_default, NULL},
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_default, NULL},
      {"maxPool", NULL, max_pool, NULL, NULL, NULL, napi_default, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
      {"add", NULL, add, NULL, NULL, NULL, napi_default, NULL},
      {"relu", NULL, relu, NULL, NULL, NULL, napi_default, NULL},
      {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
