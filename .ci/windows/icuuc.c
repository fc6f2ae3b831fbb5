/* A stand-in for Windows' own icuuc.dll, for running Qt 6.11 under Wine 8 (CI only, never shipped).
 *
 * Qt6Core.dll imports 20 ucnv_* functions from icuuc.dll (Windows 10 1703+); Wine provides it
 * only from 11.5 and Debian 12 has 8.0, so without it every PySide6 import fails ("DLL load
 * failed"). Every converter request here answers U_UNSUPPORTED_ERROR, so Qt keeps to its
 * built-in UTF-8/UTF-16/Latin-1 codecs. Installed into system32, where PyInstaller treats it as a
 * system DLL and never bundles it. */
#include <stddef.h>
#include <stdint.h>
#define API __declspec(dllexport)
static void fail(int *err) { if (err && *err <= 0) *err = 16; /* U_UNSUPPORTED_ERROR */ }
API void *ucnv_open(const char *n, int *e) { (void)n; fail(e); return NULL; }
API void ucnv_close(void *c) { (void)c; }
API void ucnv_reset(void *c) { (void)c; }
API int8_t ucnv_getMaxCharSize(const void *c) { (void)c; return 1; }
API const char *ucnv_getName(const void *c, int *e) { (void)c; fail(e); return NULL; }
API void ucnv_getToUCallBack(const void *c, void **a, const void **x)
{ (void)c; if (a) *a = NULL; if (x) *x = NULL; }
API void ucnv_getFromUCallBack(const void *c, void **a, const void **x)
{ (void)c; if (a) *a = NULL; if (x) *x = NULL; }
API void ucnv_setToUCallBack(void *c, void *a, const void *x, void **oa, const void **ox, int *e)
{ (void)c; (void)a; (void)x; (void)oa; (void)ox; fail(e); }
API void ucnv_setFromUCallBack(void *c, void *a, const void *x, void **oa, const void **ox, int *e)
{ (void)c; (void)a; (void)x; (void)oa; (void)ox; fail(e); }
API void ucnv_cbToUWriteUChars(void *g, const void *s, int32_t n, int32_t o, int *e)
{ (void)g; (void)s; (void)n; (void)o; fail(e); }
API void ucnv_cbFromUWriteUChars(void *g, const void **s, const void *l, int32_t o, int *e)
{ (void)g; (void)s; (void)l; (void)o; fail(e); }
API void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl,
                        int32_t *o, int8_t f, int *e)
{ (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; fail(e); }
API void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl,
                          int32_t *o, int8_t f, int *e)
{ (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; fail(e); }
API int32_t ucnv_toUCountPending(const void *c, int *e) { (void)c; fail(e); return 0; }
API int32_t ucnv_fromUCountPending(const void *c, int *e) { (void)c; fail(e); return 0; }
API const char *ucnv_getStandardName(const char *n, const char *s, int *e)
{ (void)n; (void)s; fail(e); return NULL; }
API const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
API int32_t ucnv_countAvailable(void) { return 0; }
API void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *x, void *a, const void *u, int32_t n,
                                         int32_t cp, int r, int *e)
{ (void)x; (void)a; (void)u; (void)n; (void)cp; (void)r; fail(e); }
API void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *x, void *a, const char *u, int32_t n, int r,
                                       int *e)
{ (void)x; (void)a; (void)u; (void)n; (void)r; fail(e); }
