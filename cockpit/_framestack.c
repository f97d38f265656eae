/* Keep a few freed frame-stack chunks instead of returning them to the system at once.
 *
 * CPython 3.11 keeps the frames of Python calls in chunks of 16 KiB, taken from the "arena"
 * allocator (mmap) and given back (munmap) as soon as the stack shrinks below a chunk. A loop
 * whose calls cross the edge of a chunk therefore maps and unmaps memory on every call: page
 * faults, TLB flushes, system calls. Whether a page's template rendering meets such an edge
 * depends only on how deep the caller's stack already is, so the same page is fast from one
 * depth and up to 2.7 times slower from a few frames deeper (docs/BENCHMARKS.md). CPython fixed
 * it in 3.13 and 3.14 by keeping one chunk aside (gh-142183); 3.11 only gets security fixes.
 *
 * This module wraps the arena allocator: blocks of at most LARGEST bytes (the stack chunks; the
 * object allocator's arenas are 1 MiB and pass through) are kept, up to SLOTS of them, and
 * handed back when a block of the same size is asked for. The allocator is called with the GIL
 * held, as are the data-stack pushes and pops that use it, so the list needs no lock. At most
 * SLOTS * LARGEST bytes (1 MiB) stay reserved.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define SLOTS 4
#define LARGEST (256 * 1024)

static PyObjectArenaAllocator original;
static void *kept[SLOTS];
static size_t kept_size[SLOTS];
static int kept_count = 0;
static int installed = 0;

static void *
keeping_alloc(void *ctx, size_t size)
{
    for (int i = kept_count - 1; i >= 0; i--) {
        if (kept_size[i] == size) {
            void *block = kept[i];
            kept_count--;
            kept[i] = kept[kept_count];
            kept_size[i] = kept_size[kept_count];
            return block;
        }
    }
    return original.alloc(original.ctx, size);
}

static void
keeping_free(void *ctx, void *block, size_t size)
{
    if (size <= LARGEST && kept_count < SLOTS) {
        kept[kept_count] = block;
        kept_size[kept_count] = size;
        kept_count++;
        return;
    }
    original.free(original.ctx, block, size);
}

static PyObject *
install(PyObject *module, PyObject *unused)
{
    if (!installed) {
        PyObjectArenaAllocator keeping = {NULL, keeping_alloc, keeping_free};
        PyObject_GetArenaAllocator(&original);
        PyObject_SetArenaAllocator(&keeping);
        installed = 1;
    }
    Py_RETURN_NONE;
}

static PyObject *
is_installed(PyObject *module, PyObject *unused)
{
    return PyBool_FromLong(installed);
}

static PyMethodDef methods[] = {
    {"install", install, METH_NOARGS,
     "Wrap the arena allocator so that freed frame-stack chunks are kept for reuse (once)."},
    {"installed", is_installed, METH_NOARGS, "Whether install() has run in this process."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "cockpit._framestack",
    "Keep freed frame-stack chunks (CPython gh-142183 on Python 3.11).",
    -1,
    methods,
};

PyMODINIT_FUNC
PyInit__framestack(void)
{
    return PyModule_Create(&module);
}
