/* Optional compiled loops of the scan (loaded by dedupe.native): the same numbers as the numpy code they
 * stand for, bit for bit (tests run both), without numpy's temporaries.
 *
 * - fingerprint:  tokens, token hashes and word shingles of a list of texts (dedupe.scan.shingle);
 * - unknown:      code points of texts that the character table has not classified yet;
 * - signatures:   one-permutation MinHash with rotation densification (dedupe.scan.minhash);
 * - similarities: Jaccard similarity and containment of document pairs (dedupe.scan.verify);
 * - link_keys, shared_links: pairs of places holding the same shingle where a shared run can pass
 *   (dedupe.scan.passages; the keys are sorted between the two by sort_int64, through shingle.sorted_by);
 * - line_numbers, occurrences: the located places of findings (dedupe.scan.near_dup);
 * - packed_rows, sort_int64, merge_parts: the index's rows (a key and its document in one int64), a radix
 *   sort of them, and a merge of sorted parts of them (dedupe.index.keys).
 *
 * Arrays come in and go out through the buffer protocol (numpy arrays allocated by the caller), so
 * this file needs Python's headers only. All arithmetic on hashes is modulo 2**64, as numpy's uint64.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATOR 0
#define SINGLE 2
static const uint64_t CHAR_MULT = 0x100000001B3ULL;
static const uint64_t GRAM_MULT = 0x9E3779B97F4A7C15ULL;
static const uint64_t LENGTH_SALT = 0xD6E8FEB86659FD93ULL;
static const uint64_t MINHASH_ODD = 0xD1B54A32D192ED03ULL;
static const uint32_t EMPTY = 0xFFFFFFFFu;
static const uint64_t SENTINEL = 0xA5A55A5AC3C33C3CULL;  /* passages.SENTINEL */

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)0)
#endif

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x;
}

/* A writable or readable buffer of at least `items` items of `size` bytes, else a Python error. */
static int check_buffer(Py_buffer *view, Py_ssize_t items, Py_ssize_t size, const char *name) {
    if (view->len < items * size || view->itemsize != size) {
        PyErr_Format(PyExc_ValueError, "%s: buffer too small or of the wrong item size", name);
        return -1;
    }
    return 0;
}

typedef struct {
    const uint8_t *classes;   /* 65536 classes: separator, word, single */
    const uint32_t *folded;   /* 65536 folded code points + 1 */
    uint8_t small_classes[256];   /* the first 256 of each, for texts of one byte per character */
    uint32_t small_folded[256];
} Table;

/* The table of the buffers `classes` (65536 bytes) and `folded` (65536 uint32), checked by the caller. */
static void table_init(Table *table, const Py_buffer *classes, const Py_buffer *folded) {
    table->classes = classes->buf;
    table->folded = folded->buf;
    memcpy(table->small_classes, classes->buf, sizeof(table->small_classes));
    memcpy(table->small_folded, folded->buf, sizeof(table->small_folded));
}

/* Tokens of one text of code units CHAR (Py_UCS1, Py_UCS2 or Py_UCS4): starts, ends and hashes; -1 on an
 * astral character (not in the table). One function per width: the loop reads the units directly. */
#define TEXT_TOKENS(NAME, CHAR)                                                                              \
    static Py_ssize_t NAME(const CHAR *data, Py_ssize_t length, const uint8_t *classes, const uint32_t *folded, \
                           int32_t *starts, int32_t *ends, uint64_t *hashes) {                                 \
        Py_ssize_t count = 0, i = 0;                                                                         \
        while (i < length) {                                                                                 \
            Py_UCS4 code = data[i];                                                                          \
            if (code > 0xFFFF) return -1;                                                                    \
            uint8_t cls = classes[code];                                                                     \
            if (cls == SEPARATOR) { i++; continue; }                                                         \
            Py_ssize_t start = i;                                                                            \
            uint64_t hash = (uint64_t)folded[code], power = CHAR_MULT;                                       \
            i++;                                                                                             \
            if (cls != SINGLE) {                                                                             \
                while (i < length) {                                                                         \
                    Py_UCS4 next = data[i];                                                                  \
                    if (next > 0xFFFF) return -1;                                                            \
                    uint8_t next_cls = classes[next];                                                        \
                    if (next_cls == SEPARATOR || next_cls == SINGLE) break;                                  \
                    hash += (uint64_t)folded[next] * power;                                                  \
                    power *= CHAR_MULT;                                                                      \
                    i++;                                                                                     \
                }                                                                                            \
            }                                                                                                \
            starts[count] = (int32_t)start;                                                                  \
            ends[count] = (int32_t)i;                                                                        \
            hashes[count] = mix64(hash ^ ((uint64_t)(i - start) * LENGTH_SALT));                             \
            count++;                                                                                         \
        }                                                                                                    \
        return count;                                                                                        \
    }

TEXT_TOKENS(tokens_ucs1, Py_UCS1)
TEXT_TOKENS(tokens_ucs2, Py_UCS2)
TEXT_TOKENS(tokens_ucs4, Py_UCS4)

static Py_ssize_t text_tokens(PyObject *text, const Table *table, int32_t *starts, int32_t *ends,
                              uint64_t *hashes) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return tokens_ucs1(PyUnicode_1BYTE_DATA(text), length, table->small_classes, table->small_folded, starts,
                           ends, hashes);
    case PyUnicode_2BYTE_KIND:
        return tokens_ucs2(PyUnicode_2BYTE_DATA(text), length, table->classes, table->folded, starts, ends, hashes);
    default:
        return tokens_ucs4(PyUnicode_4BYTE_DATA(text), length, table->classes, table->folded, starts, ends, hashes);
    }
}

/* The str of each item of `items` (a list or a tuple), read without taking a reference to one: the item itself, or
 * with `field` (not NULL), the str its instance dictionary holds under that name (a document's text; its __dict__ is
 * made first where it was not). A reference taken and dropped writes the object's count: the batch child of
 * dedupe.index.prepare and its parent read the documents' texts so, and the texts' pages stay shared between the
 * two instead of copied by the first to write. A new PyMem array of *count borrowed pointers, kept alive by the
 * items; NULL with an exception set. */
static PyObject **borrowed_texts(PyObject *items, PyObject *field, Py_ssize_t *count) {
    if (!PyList_Check(items) && !PyTuple_Check(items)) {
        PyErr_SetString(PyExc_TypeError, "texts must be a list or a tuple");
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    PyObject **item = PySequence_Fast_ITEMS(items), **texts = PyMem_Malloc((size_t)(n + 1) * sizeof(PyObject *));
    if (texts == NULL) { PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t d = 0; d < n; d++) {
        PyObject *text = item[d];
        if (field != NULL) {
            PyObject **dict = _PyObject_GetDictPtr(text);
            text = dict != NULL && *dict != NULL ? PyDict_GetItemWithError(*dict, field) : NULL;
        }
        if (text == NULL || !PyUnicode_Check(text)) {
            PyMem_Free(texts);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, field == NULL ? "texts must be str" : "an item holds no str field");
            return NULL;
        }
        texts[d] = text;
    }
    *count = n;
    return texts;
}

/* The shingles of one text's tokens (see shingle._shingles and shingle._whole). */
static Py_ssize_t text_shingles(const uint64_t *hashes, Py_ssize_t tokens, int ngram, uint64_t *out) {
    if (tokens == 0) return 0;
    if (tokens < ngram) {
        uint64_t acc = 0;
        for (Py_ssize_t k = 0; k < tokens; k++) acc = acc * GRAM_MULT + hashes[k];
        out[0] = mix64(acc ^ ((uint64_t)tokens * LENGTH_SALT));
        return 1;
    }
    Py_ssize_t span = tokens - ngram + 1;
    for (Py_ssize_t i = 0; i < span; i++) {
        uint64_t acc = hashes[i];
        for (int k = 1; k < ngram; k++) acc = acc * GRAM_MULT + hashes[i + k];
        out[i] = mix64(acc);
    }
    return span;
}

/* Fingerprints of texts [first, last), written from the start of each output (a part of the caller's arrays). */
typedef struct {
    PyObject **texts;
    const Table *table;
    Py_ssize_t first, last, longest, tokens, made;
    int ngram, failed;  /* failed: 1 on an astral character, 2 out of memory */
    int64_t *tcounts, *scounts;
    int32_t *tstarts, *tends;
    uint64_t *out;
    PyThread_type_lock done;  /* released when the part ran in a thread of its own */
} Part;

static void fingerprint_part(Part *part) {
    uint64_t *scratch = malloc((size_t)(part->longest + 1) * sizeof(uint64_t));
    part->failed = scratch == NULL ? 2 : 0;
    for (Py_ssize_t d = part->first; scratch != NULL && d < part->last; d++) {
        Py_ssize_t count = text_tokens(part->texts[d], part->table, part->tstarts + part->tokens,
                                       part->tends + part->tokens, scratch);
        if (count < 0) { part->failed = 1; break; }
        Py_ssize_t grams = text_shingles(scratch, count, part->ngram, part->out + part->made);
        part->tcounts[d] = count;
        part->scounts[d] = grams;
        part->tokens += count;
        part->made += grams;
    }
    free(scratch);
}

static void fingerprint_thread(void *arg) {
    Part *part = arg;
    fingerprint_part(part);
    PyThread_release_lock(part->done);
}

/* fingerprint(texts, ngram, classes, folded, token_counts, shingle_counts, shingles, token_starts, token_ends,
 * threads): with threads >= 2 (two parts at most, whatever the count above one) the later half of the characters
 * is done in a second thread (the interpreter lock released), written after the first half's room and moved down
 * after; the arrays are the same. */
static PyObject *fingerprint(PyObject *self, PyObject *args) {
    PyObject *texts, *field = Py_None;
    int ngram, threads;
    Py_buffer classes, folded, token_counts, shingle_counts, shingles, token_starts, token_ends;
    if (!PyArg_ParseTuple(args, "Oiy*y*w*w*w*w*w*i|O", &texts, &ngram, &classes, &folded,
                          &token_counts, &shingle_counts, &shingles, &token_starts, &token_ends, &threads, &field))
        return NULL;
    Py_buffer *views[] = {&classes, &folded, &token_counts, &shingle_counts, &shingles, &token_starts, &token_ends};
    PyObject *result = NULL, **items = NULL;
    Py_ssize_t docs = 0, capacity = 0, longest = 0, middle = 0, before = 0;
    if ((items = borrowed_texts(texts, field == Py_None ? NULL : field, &docs)) == NULL) goto done;
    for (Py_ssize_t d = 0; d < docs; d++) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(items[d]);
        capacity += n;
        if (n > longest) longest = n;
    }
    if (check_buffer(&classes, 0x10000, 1, "classes") || check_buffer(&folded, 0x10000, 4, "folded")
        || check_buffer(&token_counts, docs, 8, "token_counts") || check_buffer(&shingle_counts, docs, 8, "shingle_counts")
        || check_buffer(&shingles, capacity, 8, "shingles") || check_buffer(&token_starts, capacity, 4, "token_starts")
        || check_buffer(&token_ends, capacity, 4, "token_ends"))
        goto done;
    /* The second part starts at the first text that ends past half the characters; its room (a text's tokens
     * and shingles are at most its characters) starts after the first part's characters. */
    middle = docs;
    if (threads >= 2) {
        for (middle = 0; middle < docs && 2 * before < capacity; middle++) before += PyUnicode_GET_LENGTH(items[middle]);
    }
    Table table;
    table_init(&table, &classes, &folded);
    Part parts[2];
    for (int k = 0; k < 2; k++) {
        Py_ssize_t room = k == 0 ? 0 : before;
        parts[k] = (Part){items, &table, k == 0 ? 0 : middle, k == 0 ? middle : docs, longest, 0, 0, ngram, 0,
                          token_counts.buf, shingle_counts.buf, (int32_t *)token_starts.buf + room,
                          (int32_t *)token_ends.buf + room, (uint64_t *)shingles.buf + room, NULL};
    }
    int threaded = 0;
    if (middle < docs && (parts[1].done = PyThread_allocate_lock()) != NULL) {
        PyThread_acquire_lock(parts[1].done, WAIT_LOCK);
        threaded = PyThread_start_new_thread(fingerprint_thread, &parts[1]) != (unsigned long)-1;
    }
    Py_BEGIN_ALLOW_THREADS
    fingerprint_part(&parts[0]);
    if (threaded) PyThread_acquire_lock(parts[1].done, WAIT_LOCK);
    else fingerprint_part(&parts[1]);
    Py_END_ALLOW_THREADS
    if (parts[1].done != NULL) {  /* held here: taken back from the thread, or never given to one */
        PyThread_release_lock(parts[1].done);
        PyThread_free_lock(parts[1].done);
    }
    if (parts[0].failed == 2 || parts[1].failed == 2) { PyErr_NoMemory(); goto done; }
    if (parts[0].failed || parts[1].failed) { result = Py_BuildValue("(nn)", (Py_ssize_t)-1, (Py_ssize_t)-1); goto done; }
    memmove(parts[0].tstarts + parts[0].tokens, parts[1].tstarts, (size_t)parts[1].tokens * sizeof(int32_t));
    memmove(parts[0].tends + parts[0].tokens, parts[1].tends, (size_t)parts[1].tokens * sizeof(int32_t));
    memmove(parts[0].out + parts[0].made, parts[1].out, (size_t)parts[1].made * sizeof(uint64_t));
    result = Py_BuildValue("(nn)", parts[0].tokens + parts[1].tokens, parts[0].made + parts[1].made);
done:
    PyMem_Free(items);
    for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) PyBuffer_Release(views[v]);
    return result;
}

/* The token hashes of each text (shingle.tokenize(text).hashes, one text after another) into `hashes`, the
 * number of each text's tokens into `counts`; returns the total, or -1 on an astral character. */
static PyObject *token_hashes(PyObject *self, PyObject *args) {
    PyObject *texts;
    Py_buffer classes, folded, hashes, counts;
    if (!PyArg_ParseTuple(args, "O!y*y*w*w*", &PyList_Type, &texts, &classes, &folded, &hashes, &counts)) return NULL;
    PyObject *result = NULL;
    int32_t *bounds = NULL;
    Py_ssize_t docs = PyList_GET_SIZE(texts), capacity = 0, total = 0;
    for (Py_ssize_t d = 0; d < docs; d++) {
        PyObject *text = PyList_GET_ITEM(texts, d);
        if (!PyUnicode_Check(text)) { PyErr_SetString(PyExc_TypeError, "texts must be str"); goto done; }
        capacity += PyUnicode_GET_LENGTH(text);
    }
    if (check_buffer(&classes, 0x10000, 1, "classes") || check_buffer(&folded, 0x10000, 4, "folded")
        || check_buffer(&hashes, capacity, 8, "hashes") || check_buffer(&counts, docs, 8, "counts"))
        goto done;
    bounds = PyMem_Malloc((size_t)(2 * capacity + 2) * sizeof(int32_t));
    if (bounds == NULL) { PyErr_NoMemory(); goto done; }
    Table table;
    table_init(&table, &classes, &folded);
    uint64_t *out = hashes.buf;
    int64_t *per = counts.buf;
    for (Py_ssize_t d = 0; d < docs; d++) {
        Py_ssize_t count = text_tokens(PyList_GET_ITEM(texts, d), &table, bounds, bounds + capacity + 1, out + total);
        if (count < 0) { total = -1; break; }
        per[d] = count;
        total += count;
    }
    result = PyLong_FromSsize_t(total);
done:
    PyMem_Free(bounds);
    PyBuffer_Release(&classes);
    PyBuffer_Release(&folded);
    PyBuffer_Release(&hashes);
    PyBuffer_Release(&counts);
    return result;
}

/* texts_length(texts, field=None) -> the characters of the texts together; utf8_texts(texts, field=None) ->
 * [text.encode("utf-8") for text in texts]: the texts read by borrowed_texts. */
static PyObject *texts_length(PyObject *self, PyObject *args) {
    PyObject *items, *field = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &items, &field)) return NULL;
    Py_ssize_t count, total = 0;
    PyObject **texts = borrowed_texts(items, field == Py_None ? NULL : field, &count);
    if (texts == NULL) return NULL;
    for (Py_ssize_t d = 0; d < count; d++) total += PyUnicode_GET_LENGTH(texts[d]);
    PyMem_Free(texts);
    return PyLong_FromSsize_t(total);
}

static PyObject *utf8_texts(PyObject *self, PyObject *args) {
    PyObject *items, *field = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &items, &field)) return NULL;
    Py_ssize_t count;
    PyObject **texts = borrowed_texts(items, field == Py_None ? NULL : field, &count);
    if (texts == NULL) return NULL;
    PyObject *encoded = PyList_New(count);
    for (Py_ssize_t d = 0; encoded != NULL && d < count; d++) {
        PyObject *data = PyUnicode_AsUTF8String(texts[d]);  /* str.encode("utf-8"): the same error on a surrogate */
        if (data == NULL) Py_CLEAR(encoded);
        else PyList_SET_ITEM(encoded, d, data);
    }
    PyMem_Free(texts);
    return encoded;
}

/* The distinct code points below 0x10000 of the texts that `known` does not mark, as a bytes object of
 * 0/1 flags (65536 of them); None when a text holds an astral character. */
static PyObject *unknown(PyObject *self, PyObject *args) {
    PyObject *items, *field = Py_None;
    Py_buffer known;
    if (!PyArg_ParseTuple(args, "Oy*|O", &items, &known, &field)) return NULL;
    if (check_buffer(&known, 0x10000, 1, "known")) { PyBuffer_Release(&known); return NULL; }
    Py_ssize_t count;
    PyObject **texts = borrowed_texts(items, field == Py_None ? NULL : field, &count);
    PyObject *flags = texts == NULL ? NULL : PyBytes_FromStringAndSize(NULL, 0x10000);
    if (flags == NULL) { PyMem_Free(texts); PyBuffer_Release(&known); return NULL; }
    uint8_t *seen = (uint8_t *)PyBytes_AS_STRING(flags);
    const uint8_t *marked = known.buf;
    memset(seen, 0, 0x10000);
    for (Py_ssize_t d = 0; d < count; d++) {
        PyObject *text = texts[d];
        if (PyUnicode_IS_ASCII(text)) continue;
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(text); i < n; i++) {
            Py_UCS4 code = PyUnicode_READ(kind, data, i);
            if (code > 0xFFFF) { Py_CLEAR(flags); break; }
            if (!marked[code]) seen[code] = 1;
        }
        if (flags == NULL) break;
    }
    PyMem_Free(texts);
    PyBuffer_Release(&known);
    if (flags == NULL) Py_RETURN_NONE;
    return flags;
}

/* Rotation densification of one row (see minhash._densify): each empty slot takes the value of the
 * nearest filled slot to its left, circularly, salted by the distance. */
static void densify(uint32_t *row, uint32_t *original, int width) {
    int last = -1;
    for (int s = width - 1; s >= 0; s--) if (row[s] != EMPTY) { last = s; break; }
    if (last < 0) return;
    memcpy(original, row, (size_t)width * sizeof(uint32_t));
    int source = last;
    uint32_t wrap = 1;
    for (int s = 0; s < width; s++) {
        if (original[s] != EMPTY) { source = s; wrap = 0; continue; }
        uint32_t distance = (uint32_t)(s - source + (wrap ? width : 0));
        row[s] = (original[source] + distance * 0x9E3779B1u) >> 1;
    }
}

static PyObject *signatures(PyObject *self, PyObject *args) {
    Py_buffer shingles, offsets, table;
    int width;
    unsigned long long key;
    if (!PyArg_ParseTuple(args, "y*y*iKw*", &shingles, &offsets, &width, &key, &table)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t docs = offsets.len / 8 - 1;
    uint32_t *original = NULL;
    if (docs < 0 || width < 1 || check_buffer(&offsets, docs + 1, 8, "offsets")
        || check_buffer(&table, docs * width, 4, "table") || check_buffer(&shingles, 0, 8, "shingles"))
        goto done;
    const int64_t *bounds = offsets.buf;
    const uint64_t *hashes = shingles.buf;
    if (bounds[docs] > shingles.len / 8) { PyErr_SetString(PyExc_ValueError, "offsets beyond shingles"); goto done; }
    original = PyMem_Malloc((size_t)width * sizeof(uint32_t));
    if (original == NULL) { PyErr_NoMemory(); goto done; }
    uint32_t *rows = table.buf;
    /* The loop reads and writes the three buffers only (held by their views until released below). */
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < docs; d++) {
        uint32_t *row = rows + d * width;
        for (int s = 0; s < width; s++) row[s] = EMPTY;
        for (int64_t j = bounds[d]; j < bounds[d + 1]; j++) {
            uint64_t mixed = (hashes[j] ^ (uint64_t)key) * MINHASH_ODD;
            uint64_t slot = ((mixed >> 32) * (uint64_t)width) >> 32;
            uint32_t value = (uint32_t)((mixed & 0xFFFFFFFFULL) >> 1);
            if (value < row[slot]) row[slot] = value;
        }
        if (bounds[d + 1] > bounds[d]) densify(row, original, width);
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(original);
    PyBuffer_Release(&shingles);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&table);
    return result;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorted distinct shingles of document `doc`, made once (cache[doc] points into `store`). */
static Py_ssize_t distinct(Py_ssize_t doc, const int64_t *bounds, const uint64_t *hashes, uint64_t **cache,
                           Py_ssize_t *sizes, uint64_t *store, Py_ssize_t *used) {
    if (cache[doc] != NULL) return sizes[doc];
    Py_ssize_t n = (Py_ssize_t)(bounds[doc + 1] - bounds[doc]);
    uint64_t *set = store + *used;
    memcpy(set, hashes + bounds[doc], (size_t)n * sizeof(uint64_t));
    qsort(set, (size_t)n, sizeof(uint64_t), compare_u64);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < n; i++) if (kept == 0 || set[i] != set[kept - 1]) set[kept++] = set[i];
    cache[doc] = set;
    sizes[doc] = kept;
    *used += n;
    return kept;
}

static PyObject *similarities(PyObject *self, PyObject *args) {
    Py_buffer shingles, offsets, pairs, out;
    if (!PyArg_ParseTuple(args, "y*y*y*w*", &shingles, &offsets, &pairs, &out)) return NULL;
    PyObject *result = NULL;
    uint64_t **cache = NULL, *store = NULL;
    Py_ssize_t *sizes = NULL;
    Py_ssize_t docs = offsets.len / 8 - 1, count = pairs.len / 16;
    if (docs < 0 || check_buffer(&offsets, docs + 1, 8, "offsets") || check_buffer(&pairs, count * 2, 8, "pairs")
        || check_buffer(&out, count * 2, 8, "out") || check_buffer(&shingles, 0, 8, "shingles"))
        goto done;
    const int64_t *bounds = offsets.buf, *ab = pairs.buf;
    if (bounds[docs] > shingles.len / 8) { PyErr_SetString(PyExc_ValueError, "offsets beyond shingles"); goto done; }
    Py_ssize_t total = 0;
    cache = PyMem_Calloc((size_t)docs + 1, sizeof(uint64_t *));
    sizes = PyMem_Calloc((size_t)docs + 1, sizeof(Py_ssize_t));
    for (Py_ssize_t p = 0; p < 2 * count; p++) {
        if (ab[p] < 0 || ab[p] >= docs) { PyErr_SetString(PyExc_IndexError, "document out of range"); goto done; }
    }
    /* Room for each distinct document of the pairs once. */
    uint8_t *marked = PyMem_Calloc((size_t)docs + 1, 1);
    if (cache == NULL || sizes == NULL || marked == NULL) { PyMem_Free(marked); PyErr_NoMemory(); goto done; }
    for (Py_ssize_t p = 0; p < 2 * count; p++) {
        if (!marked[ab[p]]) { marked[ab[p]] = 1; total += (Py_ssize_t)(bounds[ab[p] + 1] - bounds[ab[p]]); }
    }
    PyMem_Free(marked);
    store = PyMem_Malloc((size_t)(total + 1) * sizeof(uint64_t));
    if (store == NULL) { PyErr_NoMemory(); goto done; }
    const uint64_t *hashes = shingles.buf;
    double *values = out.buf;
    Py_ssize_t used = 0;
    for (Py_ssize_t p = 0; p < count; p++) {
        Py_ssize_t a = (Py_ssize_t)ab[2 * p], b = (Py_ssize_t)ab[2 * p + 1];
        Py_ssize_t na = distinct(a, bounds, hashes, cache, sizes, store, &used);
        Py_ssize_t nb = distinct(b, bounds, hashes, cache, sizes, store, &used);
        const uint64_t *x = cache[a], *y = cache[b];
        Py_ssize_t i = 0, j = 0, shared = 0;
        while (i < na && j < nb) {
            if (x[i] < y[j]) i++;
            else if (x[i] > y[j]) j++;
            else { shared++; i++; j++; }
        }
        values[2 * p] = (double)shared / (double)(na + nb - shared);
        values[2 * p + 1] = (double)shared / (double)(na < nb ? na : nb);
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(cache);
    PyMem_Free(sizes);
    PyMem_Free(store);
    PyBuffer_Release(&shingles);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&pairs);
    PyBuffer_Release(&out);
    return result;
}

/* Appends a link to the growing arrays *firsts and *seconds; -1 when out of memory. */
static int add_link(int64_t **firsts, int64_t **seconds, Py_ssize_t *count, Py_ssize_t *room, int64_t a, int64_t b) {
    if (*count == *room) {
        Py_ssize_t grown = *room * 2 + 1024;
        int64_t *one = PyMem_Realloc(*firsts, (size_t)grown * sizeof(int64_t));
        if (one == NULL) return -1;
        *firsts = one;
        int64_t *other = PyMem_Realloc(*seconds, (size_t)grown * sizeof(int64_t));
        if (other == NULL) return -1;
        *seconds = other;
        *room = grown;
    }
    (*firsts)[*count] = a;
    (*seconds)[*count] = b;
    (*count)++;
    return 0;
}

/* link_keys(shingles, offsets, pad, bits, padded, keys): the layout of passages._padded and the sort keys of
 * passages._links. padded[p] is the shingle at padded position p (each document's shingles with `pad` unique
 * sentinels around documents), keys[j] the bits of shingle j's hash above `bits` over its padded position. */
static PyObject *link_keys(PyObject *self, PyObject *args) {
    Py_buffer shingles, offsets, padded, keys;
    Py_ssize_t pad;
    int bits;
    if (!PyArg_ParseTuple(args, "y*y*niw*w*", &shingles, &offsets, &pad, &bits, &padded, &keys)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t docs = offsets.len / 8 - 1;
    if (docs < 0 || check_buffer(&offsets, docs + 1, 8, "offsets") || check_buffer(&shingles, 0, 8, "shingles"))
        goto done;
    const int64_t *bounds = offsets.buf;
    const uint64_t *hashes = shingles.buf;
    Py_ssize_t total = (Py_ssize_t)bounds[docs], size = total + pad * (docs + 1);
    if (bounds[0] != 0 || total > shingles.len / 8) { PyErr_SetString(PyExc_ValueError, "offsets beyond shingles"); goto done; }
    if (pad < 1 || bits < 1 || bits > 63 || size > ((Py_ssize_t)1 << bits)) {
        PyErr_SetString(PyExc_ValueError, "need pad >= 1 and positions below 2**bits");
        goto done;
    }
    if (check_buffer(&padded, size, 8, "padded") || check_buffer(&keys, total, 8, "keys")) goto done;
    uint64_t *layout = padded.buf, *out = keys.buf, low = ((uint64_t)1 << bits) - 1;
    for (Py_ssize_t p = 0; p < size; p++) layout[p] = (uint64_t)p ^ SENTINEL;
    for (Py_ssize_t d = 0; d < docs; d++) {
        for (int64_t j = bounds[d]; j < bounds[d + 1]; j++) {
            uint64_t position = (uint64_t)(j + pad * (d + 1));
            layout[position] = hashes[j];
            out[j] = (hashes[j] & ~low) | position;
        }
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&shingles);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&padded);
    PyBuffer_Release(&keys);
    return result;
}

/* shared_links(keys, padded, bits, reach, fanout): passages._links and _linked (without ranks) over the keys
 * of link_keys sorted (by shingle.sorted_by, from bit `bits` up; used up): the places whose hash bits above
 * `bits` another place shares, each linked to the places at most `fanout` after it in that order that hold the
 * same shingle and, where `reach`, the same shingle `reach` ahead or behind. Returns (firsts, seconds): padded
 * positions as bytearrays of int64, in no particular order. */
static PyObject *shared_links(PyObject *self, PyObject *args) {
    Py_buffer sorted, padded;
    int bits;
    Py_ssize_t reach, fanout;
    if (!PyArg_ParseTuple(args, "w*y*inn", &sorted, &padded, &bits, &reach, &fanout)) return NULL;
    PyObject *result = NULL;
    int64_t *firsts = NULL, *seconds = NULL;
    Py_ssize_t total = sorted.len / 8, size = padded.len / 8;
    if (check_buffer(&sorted, total, 8, "keys") || check_buffer(&padded, size, 8, "padded")) goto done;
    if (bits < 1 || bits > 63 || size > ((Py_ssize_t)1 << bits) || reach < 0 || fanout < 1) {
        PyErr_SetString(PyExc_ValueError, "need positions below 2**bits, reach >= 0 and fanout >= 1");
        goto done;
    }
    uint64_t *keys = sorted.buf, low = ((uint64_t)1 << bits) - 1;
    const uint64_t *layout = padded.buf;
    Py_ssize_t places = 0;  /* keys with a neighbour of the same high bits, as positions, in place */
    uint64_t previous = 0;  /* keys[i - 1] as it was before being overwritten */
    for (Py_ssize_t i = 0; i < total; i++) {
        uint64_t key = keys[i];
        int before = i > 0 && (key ^ previous) <= low, after = i + 1 < total && (keys[i + 1] ^ key) <= low;
        if (before || after) {
            uint64_t position = key & low;
            if ((Py_ssize_t)position < reach || (Py_ssize_t)position + reach >= size) {
                PyErr_SetString(PyExc_ValueError, "a place within reach of the layout's ends");
                goto done;
            }
            keys[places++] = position;
        }
        previous = key;
    }
    Py_ssize_t count = 0, room = 0;
    for (Py_ssize_t i = 0; i < places; i++) {
        if (i + 16 < places) {  /* places are scattered over the layout: ask for them early */
            PREFETCH(layout + keys[i + 16]);
            PREFETCH(layout + keys[i + 16] + reach);
            PREFETCH(layout + keys[i + 16] - reach);
        }
        uint64_t held = layout[keys[i]];
        Py_ssize_t last = i + fanout < places ? i + fanout : places - 1;
        for (Py_ssize_t j = i + 1; j <= last; j++) {
            uint64_t other = layout[keys[j]];
            if ((other ^ held) & ~low) break;  /* past this hash's places (sorted by high bits) */
            if (other != held) continue;
            if (reach && layout[keys[j] + reach] != layout[keys[i] + reach]
                && layout[keys[j] - reach] != layout[keys[i] - reach])
                continue;
            if (add_link(&firsts, &seconds, &count, &room, (int64_t)keys[i], (int64_t)keys[j]) < 0) {
                PyErr_NoMemory();
                goto done;
            }
        }
    }
    PyObject *one = PyByteArray_FromStringAndSize((const char *)firsts, count * (Py_ssize_t)sizeof(int64_t));
    PyObject *other = PyByteArray_FromStringAndSize((const char *)seconds, count * (Py_ssize_t)sizeof(int64_t));
    if (one != NULL && other != NULL) result = PyTuple_Pack(2, one, other);
    Py_XDECREF(one);
    Py_XDECREF(other);
done:
    PyMem_Free(firsts);
    PyMem_Free(seconds);
    PyBuffer_Release(&sorted);
    PyBuffer_Release(&padded);
    return result;
}

/* 1-based line numbers of offsets: out[i] is the line of character starts[i] of text texts[docs[i]]; `order`
 * visits the places by document, then offset (so each text is counted through once). "\r\n", "\n" and a
 * lone "\r" each end a line (see near_dup.CorpusView._lines; an offset never splits a "\r\n"). */
static PyObject *line_numbers(PyObject *self, PyObject *args) {
    PyObject *texts;
    Py_buffer docs, starts, order, out;
    if (!PyArg_ParseTuple(args, "O!y*y*y*w*", &PyList_Type, &texts, &docs, &starts, &order, &out)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = docs.len / 8, count = PyList_GET_SIZE(texts);
    if (check_buffer(&docs, n, 8, "docs") || check_buffer(&starts, n, 8, "starts") || check_buffer(&order, n, 8, "order")
        || check_buffer(&out, n, 8, "out"))
        goto done;
    const int64_t *doc_of = docs.buf, *start_of = starts.buf, *visit = order.buf;
    int64_t *lines = out.buf, previous = -1, line = 1;
    Py_ssize_t counted = 0, length = 0;
    int kind = 0;
    const void *data = NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        int64_t index = visit[k];
        if (index < 0 || index >= n || doc_of[index] < 0 || doc_of[index] >= count) {
            PyErr_SetString(PyExc_IndexError, "place out of range");
            goto done;
        }
        if (doc_of[index] != previous) {
            PyObject *text = PyList_GET_ITEM(texts, doc_of[index]);
            if (!PyUnicode_Check(text)) { PyErr_SetString(PyExc_TypeError, "texts must be str"); goto done; }
            previous = doc_of[index];
            kind = PyUnicode_KIND(text);
            data = PyUnicode_DATA(text);
            length = PyUnicode_GET_LENGTH(text);
            line = 1;
            counted = 0;
        }
        Py_ssize_t stop = (Py_ssize_t)start_of[index];
        if (stop > length) stop = length;
        for (Py_ssize_t i = counted; i < stop; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c == '\n' || (c == '\r' && (i + 1 >= length || PyUnicode_READ(kind, data, i + 1) != '\n'))) line++;
        }
        if (stop > counted) counted = stop;
        lines[index] = line;
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&docs);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&order);
    PyBuffer_Release(&out);
    return result;
}

/* The field names of an occurrence, in near_dup.make_occurrence's order (interned once). */
static const char *OCCURRENCE_FIELDS[] = {"doc", "outlet", "start", "end", "line", "text"};
static PyObject *occurrence_names[6];

/* One instance of `cls` made as object.__new__(cls) with its __dict__ filled from `values` (stolen). */
static PyObject *filled(PyTypeObject *cls, PyObject *empty, PyObject **values) {
    PyObject *made = PyBaseObject_Type.tp_new(cls, empty, NULL), *fields = NULL;
    int failed = made == NULL;
    if (!failed) failed = (fields = PyObject_GenericGetDict(made, NULL)) == NULL;
    for (int f = 0; f < 6; f++) {
        if (!failed) failed = values[f] == NULL || PyDict_SetItem(fields, occurrence_names[f], values[f]) < 0;
        Py_XDECREF(values[f]);
    }
    Py_XDECREF(fields);
    if (failed) Py_CLEAR(made);
    return made;
}

/* Occurrences of places (near_dup.CorpusView.occurrences): for each i, an instance of `cls` (made as
 * object.__new__ makes it, its __dict__ filled as near_dup.make_occurrence fills it) with doc ids[docs[i]],
 * outlet outlets[docs[i]], start starts[i], end ends[i], line lines[i] and text texts[docs[i]][start:end]. */
static PyObject *occurrences(PyObject *self, PyObject *args) {
    PyTypeObject *cls;
    PyObject *texts, *ids, *outlets;
    Py_buffer docs, starts, ends, lines;
    if (!PyArg_ParseTuple(args, "O!O!O!O!y*y*y*y*", &PyType_Type, &cls, &PyList_Type, &texts, &PyList_Type, &ids,
                          &PyList_Type, &outlets, &docs, &starts, &ends, &lines))
        return NULL;
    PyObject *result = NULL, *empty = PyTuple_New(0);
    Py_ssize_t n = docs.len / 8, count = PyList_GET_SIZE(texts);
    if (empty == NULL || check_buffer(&docs, n, 8, "docs") || check_buffer(&starts, n, 8, "starts")
        || check_buffer(&ends, n, 8, "ends") || check_buffer(&lines, n, 8, "lines"))
        goto done;
    if (PyList_GET_SIZE(ids) != count || PyList_GET_SIZE(outlets) != count) {
        PyErr_SetString(PyExc_ValueError, "texts, ids and outlets differ in length");
        goto done;
    }
    const int64_t *doc_of = docs.buf, *start_of = starts.buf, *end_of = ends.buf, *line_of = lines.buf;
    result = PyList_New(n);
    for (Py_ssize_t i = 0; result != NULL && i < n; i++) {
        int64_t d = doc_of[i], start = start_of[i], end = end_of[i];
        PyObject *text = d >= 0 && d < count ? PyList_GET_ITEM(texts, d) : NULL;
        if (text == NULL || !PyUnicode_Check(text) || start < 0 || end < start || end > PyUnicode_GET_LENGTH(text)) {
            PyErr_SetString(PyExc_IndexError, "place out of range");
            Py_CLEAR(result);
            break;
        }
        PyObject *values[6] = {Py_NewRef(PyList_GET_ITEM(ids, d)), Py_NewRef(PyList_GET_ITEM(outlets, d)),
                               PyLong_FromLongLong(start), PyLong_FromLongLong(end), PyLong_FromLongLong(line_of[i]),
                               PyUnicode_Substring(text, (Py_ssize_t)start, (Py_ssize_t)end)};
        PyObject *made = filled(cls, empty, values);
        if (made == NULL) { Py_CLEAR(result); break; }
        PyList_SET_ITEM(result, i, made);
    }
done:
    Py_XDECREF(empty);
    PyBuffer_Release(&docs);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&ends);
    PyBuffer_Release(&lines);
    return result;
}

/* Radix sort of signed 64-bit integers by their bits low_bit..63 (the order of numpy's sort of int64 when
 * low_bit is 0), stable: least significant digit first, RADIX_BITS bits a pass, skipping every digit that all
 * values share (the index's packed rows leave most of a document's bits zero). One pass counts every digit;
 * each other pass moves the values once, between `values` and `scratch` (n each). Returns the buffer that
 * holds the result. */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_DIGITS ((64 + RADIX_BITS - 1) / RADIX_BITS)
static const uint64_t SIGN = 0x8000000000000000ULL;

static uint64_t *radix_sort(uint64_t *values, uint64_t *scratch, size_t n, int low_bit, uint32_t *counts) {
    int digits = (64 - low_bit + RADIX_BITS - 1) / RADIX_BITS;
    memset(counts, 0, sizeof(uint32_t) * RADIX_SIZE * RADIX_DIGITS);
    for (size_t i = 0; i < n; i++) {
        uint64_t key = (values[i] ^ SIGN) >> low_bit;  /* signed order as unsigned */
        for (int d = 0; d < digits; d++) counts[d * RADIX_SIZE + ((key >> (d * RADIX_BITS)) & (RADIX_SIZE - 1))]++;
    }
    uint64_t *from = values, *to = scratch;
    for (int d = 0; d < digits; d++) {
        uint32_t *count = counts + d * RADIX_SIZE;
        int shift = low_bit + d * RADIX_BITS;
        if (count[((from[0] ^ SIGN) >> shift) & (RADIX_SIZE - 1)] == n) continue;  /* one digit for all */
        uint32_t total = 0;
        for (uint32_t b = 0; b < RADIX_SIZE; b++) {
            uint32_t here = count[b];
            count[b] = total;
            total += here;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t value = from[i];
            to[count[((value ^ SIGN) >> shift) & (RADIX_SIZE - 1)]++] = value;
        }
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    return from;
}

/* sort_int64(values, low_bit=0, scratch=None): sort a writable buffer of int64 in place by its bits
 * low_bit..63, keeping the order of values equal there (ascending, as numpy's np.sort, when low_bit is 0).
 * `scratch`: a writable buffer of as many int64 at least, overwritten, for the sort's passes (else the sort
 * allocates one: memory first touched, a page fault every 4 KiB). */
static PyObject *sort_int64(PyObject *self, PyObject *args) {
    Py_buffer view, scratch_view = {0};
    int low_bit = 0;
    PyObject *given = Py_None;
    if (!PyArg_ParseTuple(args, "w*|iO", &view, &low_bit, &given)) return NULL;
    PyObject *result = NULL;
    size_t n = (size_t)(view.len / 8);
    uint64_t *scratch = NULL, *passes = NULL;
    uint32_t *counts = NULL;
    if (view.itemsize != 8 || !PyBuffer_IsContiguous(&view, 'C')) {
        PyErr_SetString(PyExc_ValueError, "sort_int64: a contiguous buffer of 8-byte items");
        goto done;
    }
    if (n > UINT32_MAX || low_bit < 0 || low_bit > 63) {
        PyErr_SetString(PyExc_ValueError, "sort_int64: too many values, or low_bit not in 0..63");
        goto done;
    }
    if (given != Py_None) {
        if (PyObject_GetBuffer(given, &scratch_view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) goto done;
        if (check_buffer(&scratch_view, (Py_ssize_t)n, 8, "scratch")) goto done;
        passes = scratch_view.buf;
    }
    if (n > 1) {
        if (passes == NULL) passes = scratch = PyMem_RawMalloc(n * sizeof(uint64_t));
        counts = PyMem_RawMalloc(sizeof(uint32_t) * RADIX_SIZE * RADIX_DIGITS);
        if (passes == NULL || counts == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        uint64_t *values = view.buf, *sorted;
        Py_BEGIN_ALLOW_THREADS
        sorted = radix_sort(values, passes, n, low_bit, counts);
        if (sorted != values) memcpy(values, sorted, n * sizeof(uint64_t));
        Py_END_ALLOW_THREADS
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(scratch);
    PyMem_RawFree(counts);
    if (scratch_view.obj != NULL) PyBuffer_Release(&scratch_view);
    PyBuffer_Release(&view);
    return result;
}

/* Merge the sorted runs a[0, na) + sa and b[0, nb) + sb into out, from both ends at once: a one-ended merge
 * takes one row per step, each step waiting for the one before (which run moves on decides the next load),
 * ~3 ns a row and level here; two independent chains, which the processor overlaps, take about half that.
 * The front takes the smaller head (a's on a tie), the back the larger tail (b's on a tie), so that the front
 * holds the first total / 2 rows of the stable merge and the back the rest, whatever the values. */
static void merge_two(const int64_t *a, Py_ssize_t na, int64_t sa, const int64_t *b, Py_ssize_t nb,
                      int64_t sb, int64_t *out) {
    Py_ssize_t total = na + nb, half = total / 2;
    Py_ssize_t i = 0, j = 0, k = 0;        /* front: next of a, of b, of out */
    Py_ssize_t p = na, q = nb, r = total;  /* back: one past the last left of a, of b, of out */
    while (k < half && i < na && j < nb && p > 0 && q > 0) {
        int64_t x = a[i] + sa, y = b[j] + sb, u = a[p - 1] + sa, v = b[q - 1] + sb;
        int front_b = y < x, back_a = u > v;
        out[k++] = front_b ? y : x;
        i += !front_b;
        j += front_b;
        out[--r] = back_a ? u : v;
        p -= back_a;
        q -= !back_a;
    }
    while (k < half) {
        if (j >= nb || (i < na && a[i] + sa <= b[j] + sb)) out[k++] = a[i++] + sa;
        else out[k++] = b[j++] + sb;
    }
    while (r > half) {
        if (q <= 0 || (p > 0 && a[p - 1] + sa > b[q - 1] + sb)) out[--r] = a[--p] + sa;
        else out[--r] = b[--q] + sb;
    }
}

/* Merge `runs` sorted runs (run r: values[r], sizes[r] values, plus shifts[r]) into out (their total), two
 * at a time, level by level, out and scratch taking turns so that the last level writes out. `sizes` and
 * `values` are overwritten. With `inside` set the runs lie in scratch itself (the caller's buffer, which it
 * gives up): the first level then writes out, and an even number of levels ends with a copy into out. */
static void merge_levels(const int64_t **values, Py_ssize_t *sizes, int64_t *shifts, Py_ssize_t runs, int64_t *out,
                         int64_t *scratch, int inside) {
    int levels = 0;
    Py_ssize_t total = 0;
    for (Py_ssize_t r = runs; r > 1; r = (r + 1) / 2) levels++;
    for (Py_ssize_t r = 0; r < runs; r++) total += sizes[r];
    int64_t *to = levels % 2 || inside ? out : scratch, *other = to == out ? scratch : out;
    if (levels == 0) {
        for (Py_ssize_t i = 0; i < (runs ? sizes[0] : 0); i++) out[i] = values[0][i] + shifts[0];
        return;
    }
    while (runs > 1) {
        Py_ssize_t merged = 0, at = 0;
        for (Py_ssize_t r = 0; r < runs; r += 2) {
            Py_ssize_t size = sizes[r] + (r + 1 < runs ? sizes[r + 1] : 0);
            if (r + 1 < runs)
                merge_two(values[r], sizes[r], shifts[r], values[r + 1], sizes[r + 1], shifts[r + 1], to + at);
            else
                merge_two(values[r], sizes[r], shifts[r], NULL, 0, 0, to + at);
            values[merged] = to + at;
            sizes[merged] = size;
            shifts[merged] = 0;
            merged++;
            at += size;
        }
        runs = merged;
        int64_t *swap = to;
        to = other;
        other = swap;
    }
    if (values[0] != out) memcpy(out, values[0], (size_t)total * sizeof(int64_t));
}

/* merge_parts(parts, shifts, out, mask, scratch=None) -> largest (value & mask) + shift: the sorted int64
 * buffers of `parts`, each value plus its part's shift (int64 buffer), merged into the writable int64 buffer
 * out (their total length), as numpy's sort of them all would order them. `scratch`: a writable int64 buffer
 * of that length too, which the caller gives up, and which may hold the parts themselves (the merge's levels
 * take turns between it and out: no memory of the merge's own, first touched, ~4,300 page faults for Reuters
 * x1's tier merge of 2.2 M rows at fanout 8); without it the merge allocates one. */
static PyObject *merge_parts(PyObject *self, PyObject *args) {
    PyObject *parts, *given = Py_None;
    Py_buffer shifts_view, out, scratch_view = {0};
    long long mask;
    if (!PyArg_ParseTuple(args, "O!y*w*L|O", &PyList_Type, &parts, &shifts_view, &out, &mask, &given)) return NULL;
    Py_ssize_t runs = PyList_GET_SIZE(parts), total = 0, opened = 0;
    PyObject *result = NULL;
    Py_buffer *views = PyMem_Calloc((size_t)runs + 1, sizeof(Py_buffer));
    const int64_t **values = PyMem_Calloc((size_t)runs + 1, sizeof(int64_t *));
    Py_ssize_t *sizes = PyMem_Calloc((size_t)runs + 1, sizeof(Py_ssize_t));
    int64_t *shifts = PyMem_Calloc((size_t)runs + 1, sizeof(int64_t)), *scratch = NULL;
    if (views == NULL || values == NULL || sizes == NULL || shifts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (check_buffer(&shifts_view, runs, 8, "shifts")) goto done;
    memcpy(shifts, shifts_view.buf, (size_t)runs * sizeof(int64_t));
    for (; opened < runs; opened++) {
        if (PyObject_GetBuffer(PyList_GET_ITEM(parts, opened), &views[opened], PyBUF_C_CONTIGUOUS) < 0) goto done;
        if (views[opened].len % 8) {
            opened++;
            PyErr_SetString(PyExc_ValueError, "merge_parts: a part is not of int64");
            goto done;
        }
        values[opened] = views[opened].buf;
        sizes[opened] = views[opened].len / 8;
        total += sizes[opened];
    }
    if (check_buffer(&out, total, 8, "out")) goto done;
    if (given != Py_None) {
        if (PyObject_GetBuffer(given, &scratch_view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) goto done;
        if (check_buffer(&scratch_view, total, 8, "scratch")) goto done;
    } else if (runs > 2 && (scratch = PyMem_RawMalloc((size_t)total * sizeof(int64_t))) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t largest = -1;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < runs; r++) {
        int64_t low = -1;
        for (Py_ssize_t i = 0; i < sizes[r]; i++) {
            int64_t here = values[r][i] & mask;
            if (here > low) low = here;
        }
        if (sizes[r] && low + shifts[r] > largest) largest = low + shifts[r];
    }
    merge_levels(values, sizes, shifts, runs, out.buf, given != Py_None ? scratch_view.buf : scratch, given != Py_None);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLongLong(largest);
done:
    for (Py_ssize_t r = 0; r < opened; r++) PyBuffer_Release(&views[r]);
    PyMem_Free(views);
    PyMem_Free(values);
    PyMem_Free(sizes);
    PyMem_Free(shifts);
    PyMem_RawFree(scratch);
    if (scratch_view.obj != NULL) PyBuffer_Release(&scratch_view);
    PyBuffer_Release(&shifts_view);
    PyBuffer_Release(&out);
    return result;
}

/* packed_rows(shingles, offsets, window, mix, mask, out) -> rows: for each document d (shingles
 * offsets[d]..offsets[d + 1]) and each run of `window` consecutive shingles inside it, the run's hash (as
 * keys.passage_keys: acc = acc * keys._WINDOW_MULT + next, the number GRAM_MULT is; mix64'd when `mix`)
 * & mask | d, in document then text order, into out (int64, one per shingle at most); how many. */
static PyObject *packed_rows(PyObject *self, PyObject *args) {
    Py_buffer shingles, offsets, out;
    Py_ssize_t window;
    int mix;
    long long mask;
    if (!PyArg_ParseTuple(args, "y*y*npLw*", &shingles, &offsets, &window, &mix, &mask, &out)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t total = shingles.len / 8, docs = offsets.len / 8 - 1, count = 0;
    if (check_buffer(&shingles, total, 8, "shingles") || check_buffer(&out, total, 8, "out")) goto done;
    if (docs < 0 || window < 1) {
        PyErr_SetString(PyExc_ValueError, "packed_rows: offsets needs one item at least, window 1 or more");
        goto done;
    }
    const uint64_t *hash = shingles.buf;
    const int64_t *offset = offsets.buf;
    int64_t *row = out.buf;
    for (Py_ssize_t d = 0; d <= docs; d++) {
        if (offset[d] < 0 || offset[d] > total || (d && offset[d] < offset[d - 1])) {
            PyErr_SetString(PyExc_ValueError, "packed_rows: offsets out of order or out of range");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < docs; d++) {
        for (int64_t j = offset[d]; j + window <= offset[d + 1]; j++) {
            uint64_t acc = hash[j];
            for (Py_ssize_t k = 1; k < window; k++) acc = acc * GRAM_MULT + hash[j + k];
            if (mix) acc = mix64(acc);
            row[count++] = (int64_t)(acc & (uint64_t)mask) | (int64_t)d;
        }
    }
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(count);
done:
    PyBuffer_Release(&shingles);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&out);
    return result;
}

static PyObject *key_spans(PyObject *self, PyObject *args);  /* the index reads' block, at the end */
static PyObject *shared_groups(PyObject *self, PyObject *args);
static PyObject *spread_ranks(PyObject *self, PyObject *args);
static PyObject *ranked_links(PyObject *self, PyObject *args);
static PyObject *member_of(PyObject *self, PyObject *args);
static PyObject *record_fields(PyObject *self, PyObject *args);  /* the corpus loader's block, at the end */

static PyMethodDef methods[] = {
    {"packed_rows", packed_rows, METH_VARARGS,
     "packed_rows(shingles, offsets, window, mix, mask, out) -> rows: window hashes & mask | document"},
    {"merge_parts", merge_parts, METH_VARARGS,
     "merge_parts(parts, shifts, out, mask, scratch=None) -> largest value & mask plus its shift; sorted parts "
     "merged into out (scratch: a buffer as long, given up, which may hold the parts)"},
    {"sort_int64", sort_int64, METH_VARARGS,
     "sort_int64(values, low_bit=0, scratch=None) -> None; an int64 buffer sorted in place by its bits low_bit..63, "
     "stably (scratch: a buffer as long at least, overwritten)"},
    {"line_numbers", line_numbers, METH_VARARGS, "line_numbers(texts, docs, starts, order, out) -> None"},
    {"occurrences", occurrences, METH_VARARGS,
     "occurrences(cls, texts, ids, outlets, docs, starts, ends, lines) -> [cls instance per place]"},
    {"fingerprint", fingerprint, METH_VARARGS,
     "fingerprint(texts, ngram, classes, folded, token_counts, shingle_counts, shingles, token_starts, "
     "token_ends, threads, field=None) -> (tokens, shingles), (-1, -1) on an astral character; field: the texts "
     "are the items' __dict__[field], no reference taken"},
    {"token_hashes", token_hashes, METH_VARARGS,
     "token_hashes(texts, classes, folded, hashes, counts) -> total tokens, -1 on an astral character"},
    {"unknown", unknown, METH_VARARGS,
     "unknown(texts, known, field=None) -> 65536 flags of unclassified code points, or None"},
    {"texts_length", texts_length, METH_VARARGS,
     "texts_length(texts, field=None) -> the characters of the texts (a list or tuple; field: each item's "
     "__dict__[field]), no reference to one taken"},
    {"utf8_texts", utf8_texts, METH_VARARGS,
     "utf8_texts(texts, field=None) -> [text.encode('utf-8') for text in texts], read as texts_length reads them"},
    {"signatures", signatures, METH_VARARGS, "signatures(shingles, offsets, num_perm, key, table) -> None"},
    {"similarities", similarities, METH_VARARGS, "similarities(shingles, offsets, pairs, out) -> None"},
    {"link_keys", link_keys, METH_VARARGS, "link_keys(shingles, offsets, pad, bits, padded, keys) -> None"},
    {"shared_links", shared_links, METH_VARARGS,
     "shared_links(sorted_keys, padded, bits, reach, fanout) -> (firsts, seconds) padded positions, int64 bytearrays"},
    {"key_spans", key_spans, METH_VARARGS,
     "key_spans(values, first, last, begins, ends) -> None; numpy's searchsorted(values, first, 'left') and "
     "searchsorted(values, last, 'right'), galloping from the previous key"},
    {"shared_groups", shared_groups, METH_VARARGS,
     "shared_groups(packed, low, block, stored[, key, size, stored_here, head, end, group, run_block, local]) -> "
     "(groups, runs) of more than one place; with the 8 int64 buffers, also fills them"},
    {"spread_ranks", spread_ranks, METH_VARARGS,
     "spread_ranks(packed, low, head, end, found, ranks) -> None; ranks[place] = found[run] + k - head[run]"},
    {"ranked_links", ranked_links, METH_VARARGS,
     "ranked_links(places, padded, reach, fanout, ranks) -> (firsts, seconds); passages._linked with ranks"},
    {"member_of", member_of, METH_VARARGS,
     "member_of(values, table, found) -> None; found[i] = values[i] is in table (8-byte items, a hash set)"},
    {"record_fields", record_fields, METH_VARARGS,
     "record_fields(record, names) -> [text, url, id, outlet, title, date] (url, outlet, title and date "
     "stripped), or None where a value looked at is neither a str nor None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", "Compiled loops of dedupe.scan.", -1, methods};

/* Raised whenever a function is added or changed: dedupe.native ignores a build of another version
 * (a stale build in a source tree), and the numpy code runs. */
#define NATIVE_VERSION 6

PyMODINIT_FUNC PyInit__native(void) {
    for (int f = 0; f < 6; f++) {
        if (occurrence_names[f] == NULL && (occurrence_names[f] = PyUnicode_InternFromString(OCCURRENCE_FIELDS[f])) == NULL)
            return NULL;
    }
    PyObject *created = PyModule_Create(&module);
    if (created != NULL && PyModule_AddIntConstant(created, "VERSION", NATIVE_VERSION) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}


/* ---- The corpus loader's records (dedupe.corpus.load) ----
 *
 * - record_fields: the text, url, id, outlet, title and date of one JSON or CSV record, as the loader's
 *   _firsts and its strips make them, for records whose fields are strings (or missing, or null).
 */

/* Whether every character of a str is whitespace as str.isspace() and str.strip() see it (true for ""). */
static int all_space(PyObject *text) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < length; i++) {
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) return 0;
    }
    return 1;
}

/* text.strip() (a new reference): the same object when neither end is whitespace. */
static PyObject *stripped(PyObject *text) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (length > 0 && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, 0))
        && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, length - 1))) {
        Py_INCREF(text);
        return text;
    }
    return PyObject_CallMethod(text, "strip", NULL);
}

/* record_fields(record, names) -> [text, url, id, outlet, title, date] or None.
 * names: one tuple of field names per item, in order of preference; an item is the value of the first name
 * whose value is a str with a character that is not whitespace (else None); url, outlet, title and date are
 * stripped. None (the whole result) when a value looked at is neither a str nor None: the caller reads
 * such records itself (numbers are taken as their text there). */
static PyObject *record_fields(PyObject *self, PyObject *args) {
    PyObject *record, *names;
    if (!PyArg_ParseTuple(args, "O!O!:record_fields", &PyDict_Type, &record, &PyTuple_Type, &names)) return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(names);
    if (count != 6) {
        PyErr_SetString(PyExc_ValueError, "record_fields: six tuples of names expected");
        return NULL;
    }
    PyObject *found = PyList_New(count);
    if (found == NULL) return NULL;
    for (Py_ssize_t item = 0; item < count; item++) {
        PyObject *group = PyTuple_GET_ITEM(names, item), *value = Py_None;
        if (!PyTuple_Check(group)) {
            PyErr_SetString(PyExc_TypeError, "record_fields: names must be tuples of str");
            goto failed;
        }
        for (Py_ssize_t n = 0; n < PyTuple_GET_SIZE(group); n++) {
            PyObject *candidate = PyDict_GetItemWithError(record, PyTuple_GET_ITEM(group, n));
            if (candidate == NULL) {
                if (PyErr_Occurred()) goto failed;
                continue;
            }
            if (candidate == Py_None) continue;
            if (!PyUnicode_CheckExact(candidate)) {  /* a number, a bool, a str subclass...: the caller's */
                Py_DECREF(found);
                Py_RETURN_NONE;
            }
            if (!all_space(candidate)) {
                value = candidate;
                break;
            }
        }
        if (value == Py_None || item == 0 || item == 2) {  /* the text and the id are kept as given */
            Py_INCREF(value);
        } else if ((value = stripped(value)) == NULL) {
            goto failed;
        }
        PyList_SET_ITEM(found, item, value);
    }
    return found;
failed:
    Py_DECREF(found);
    return NULL;
}


/* ---- The index's reads (dedupe.index.segments through dedupe.scan.shingle.key_spans) ----------------------
 *
 * A check against the index searches every chunk of a segment it reads for the sorted keys it wants: each
 * search starts where the previous key's ended (galloping), so a chunk of 128 k rows holding a few hundred
 * keys costs a few probes a key instead of a binary search of the whole chunk each. */

/* The first position in values[lo, hi) whose value is not below key (above key when `upper`). */
static inline Py_ssize_t bound(const int64_t *values, Py_ssize_t lo, Py_ssize_t hi, int64_t key, int upper) {
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (upper ? values[mid] <= key : values[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* bound(values, from, n, key, upper), found by galloping from `from`: steps of 1, 2, 4... then a binary search
 * of the last step (about 2 log2 of the distance covered in probes). */
static inline Py_ssize_t gallop(const int64_t *values, Py_ssize_t n, Py_ssize_t from, int64_t key, int upper) {
    Py_ssize_t lo = from, step = 1;
    while (lo < n && (upper ? values[lo] <= key : values[lo] < key)) {  /* values[lo] is before key */
        Py_ssize_t next = lo + step;
        if (next >= n || !(upper ? values[next] <= key : values[next] < key))
            return bound(values, lo + 1, next < n ? next : n, key, upper);
        lo = next;
        step <<= 1;
    }
    return lo;
}

/* key_spans(values, first, last, begins, ends): for each i, begins[i] = the first position of the sorted
 * int64 buffer `values` not below first[i] and ends[i] = the first above last[i] (numpy's searchsorted, 'left'
 * and 'right'). Fastest where `first` ascends (each search gallops from the previous one); any order is
 * exact. */
static PyObject *key_spans(PyObject *self, PyObject *args) {
    Py_buffer values, first, last, begins, ends;
    if (!PyArg_ParseTuple(args, "y*y*y*w*w*", &values, &first, &last, &begins, &ends)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = values.len / 8, m = first.len / 8;
    if (check_buffer(&values, n, 8, "values") || check_buffer(&first, m, 8, "first")
        || check_buffer(&last, m, 8, "last") || check_buffer(&begins, m, 8, "begins")
        || check_buffer(&ends, m, 8, "ends"))
        goto done;
    const int64_t *v = values.buf, *f = first.buf, *l = last.buf;
    int64_t *b = begins.buf, *e = ends.buf;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < m; i++) {
        if (i > 0 && f[i] < f[i - 1]) at = 0;  /* out of order: gallop from the start */
        at = gallop(v, n, at, f[i], 0);
        b[i] = at;
        e[i] = l[i] >= f[i] ? gallop(v, n, at, l[i], 1) : bound(v, 0, at, l[i], 1);
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&values);
    PyBuffer_Release(&first);
    PyBuffer_Release(&last);
    PyBuffer_Release(&begins);
    PyBuffer_Release(&ends);
    return result;
}

/* shared_groups(packed, low, block, stored[, key, size, stored_here, head, end, group, run_block, local]):
 * over the sorted uint64 `packed` (hash bits above `low`, a place below), the groups (equal bits above `low`)
 * of more than one place and their runs (consecutive places of one group in one block, block[place] being
 * the place's block; `stored` and above: the batch). Returns (groups, runs); with the eight int64 buffers
 * (at least that many items each), fills them as dedupe.index.ranks.SharedGroups describes (key, size, stored
 * places, then per run its head, end, group, block and the group's places before it). */
static PyObject *shared_groups(PyObject *self, PyObject *args) {
    Py_buffer packed, block, out[8];
    int low;
    long long stored;
    memset(out, 0, sizeof out);
    if (!PyArg_ParseTuple(args, "y*iy*L|w*w*w*w*w*w*w*w*", &packed, &low, &block, &stored, &out[0], &out[1],
                          &out[2], &out[3], &out[4], &out[5], &out[6], &out[7]))
        return NULL;
    PyObject *result = NULL;
    int filled = out[0].buf != NULL;
    Py_ssize_t n = packed.len / 8, places = block.len / 8, groups = 0, runs = 0, bad = 0;
    if (check_buffer(&packed, n, 8, "packed") || check_buffer(&block, places, 8, "block")) goto done;
    for (int b = 0; b < 8; b++) {
        if ((out[b].buf != NULL) != filled) {
            PyErr_SetString(PyExc_TypeError, "shared_groups: the eight output buffers, or none");
            goto done;
        }
    }
    if (low < 1 || low > 63) {
        PyErr_SetString(PyExc_ValueError, "shared_groups: low not in 1..63");
        goto done;
    }
    const uint64_t *v = packed.buf, mask = (1ULL << low) - 1;
    const int64_t *of = block.buf;
    for (Py_ssize_t k = 0; k < n; k++) bad |= (Py_ssize_t)(v[k] & mask) >= places;
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "shared_groups: a place beyond the blocks");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t k = 0, next; k < n; k = next) {  /* count */
        uint64_t group = v[k] & ~mask;
        for (next = k + 1; next < n && (v[next] & ~mask) == group; next++) {}
        if (next - k < 2) continue;
        groups++;
        runs++;
        for (Py_ssize_t i = k + 1; i < next; i++) runs += of[v[i] & mask] != of[v[i - 1] & mask];
    }
    Py_END_ALLOW_THREADS
    if (filled) {
        for (int b = 0; b < 8; b++) {
            if (check_buffer(&out[b], b < 3 ? groups : runs, 8, "output")) goto done;
        }
        int64_t *key = out[0].buf, *size = out[1].buf, *here = out[2].buf, *head = out[3].buf, *end = out[4].buf,
                *group_of = out[5].buf, *run_block = out[6].buf, *local = out[7].buf;
        Py_BEGIN_ALLOW_THREADS
        Py_ssize_t g = 0, r = 0;
        for (Py_ssize_t k = 0, next; k < n; k = next) {
            uint64_t group = v[k] & ~mask;
            for (next = k + 1; next < n && (v[next] & ~mask) == group; next++) {}
            if (next - k < 2) continue;
            int64_t in_stored = 0;
            for (Py_ssize_t i = k; i < next;) {
                int64_t this_block = of[v[i] & mask];
                Py_ssize_t j = i + 1;
                while (j < next && of[v[j] & mask] == this_block) j++;
                head[r] = i;
                end[r] = j;
                group_of[r] = g;
                run_block[r] = this_block;
                local[r] = i - k;
                if (this_block < stored) in_stored += j - i;
                r++;
                i = j;
            }
            key[g] = (int64_t)group;
            size[g] = next - k;
            here[g] = in_stored;
            g++;
        }
        Py_END_ALLOW_THREADS
    }
    result = Py_BuildValue("(nn)", groups, runs);
done:
    PyBuffer_Release(&packed);
    PyBuffer_Release(&block);
    for (int b = 0; b < 8; b++) {
        if (out[b].buf != NULL) PyBuffer_Release(&out[b]);
    }
    return result;
}

/* spread_ranks(packed, low, head, end, found, ranks): for each run r and each position k of it (head[r] <= k
 * < end[r] in the sorted uint64 `packed`), ranks[place] = found[r] + k - head[r], place being packed[k]'s bits
 * below `low`. */
static PyObject *spread_ranks(PyObject *self, PyObject *args) {
    Py_buffer packed, head, end, found, ranks;
    int low;
    if (!PyArg_ParseTuple(args, "y*iy*y*y*w*", &packed, &low, &head, &end, &found, &ranks)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = packed.len / 8, runs = head.len / 8, places = ranks.len / 8, bad = 0;
    if (check_buffer(&packed, n, 8, "packed") || check_buffer(&head, runs, 8, "head")
        || check_buffer(&end, runs, 8, "end") || check_buffer(&found, runs, 8, "found")
        || check_buffer(&ranks, places, 8, "ranks"))
        goto done;
    if (low < 1 || low > 63) {
        PyErr_SetString(PyExc_ValueError, "spread_ranks: low not in 1..63");
        goto done;
    }
    const uint64_t *v = packed.buf, mask = (1ULL << low) - 1;
    const int64_t *first = head.buf, *last = end.buf, *base = found.buf;
    int64_t *rank = ranks.buf;
    for (Py_ssize_t r = 0; r < runs; r++) {
        bad |= first[r] < 0 || last[r] > n || first[r] > last[r];
        for (int64_t k = first[r]; !bad && k < last[r]; k++) bad |= (Py_ssize_t)(v[k] & mask) >= places;
    }
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "spread_ranks: a run or a place out of range");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < runs; r++) {
        for (int64_t k = first[r]; k < last[r]; k++) rank[v[k] & mask] = base[r] + (k - first[r]);
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&packed);
    PyBuffer_Release(&head);
    PyBuffer_Release(&end);
    PyBuffer_Release(&found);
    PyBuffer_Release(&ranks);
    return result;
}

/* ranked_links(places, padded, reach, fanout, ranks): passages._linked with ranks, in its order. `places`
 * (int64 padded positions, sorted by shingle), the layout `padded` (uint64) and `ranks` (int64, by padded
 * position): for k = 1..fanout and each i, places i and i + k link where they hold the same shingle, the
 * same one `reach` ahead or behind (where reach > 0), and ranks at most `fanout` apart. Returns (firsts,
 * seconds): padded positions as bytearrays of int64, k after k, i ascending. */
static PyObject *ranked_links(PyObject *self, PyObject *args) {
    Py_buffer places_view, padded, ranks;
    Py_ssize_t reach, fanout;
    if (!PyArg_ParseTuple(args, "y*y*nny*", &places_view, &padded, &reach, &fanout, &ranks)) return NULL;
    PyObject *result = NULL;
    int64_t *firsts = NULL, *seconds = NULL;
    uint64_t *held = NULL, *ahead = NULL, *behind = NULL;
    int64_t *rank = NULL;
    Py_ssize_t n = places_view.len / 8, size = padded.len / 8, ranked = ranks.len / 8;
    if (check_buffer(&places_view, n, 8, "places") || check_buffer(&padded, size, 8, "padded")
        || check_buffer(&ranks, ranked, 8, "ranks"))
        goto done;
    if (reach < 0 || fanout < 1) {
        PyErr_SetString(PyExc_ValueError, "ranked_links: need reach >= 0 and fanout >= 1");
        goto done;
    }
    const int64_t *places = places_view.buf, *by_position = ranks.buf;
    const uint64_t *layout = padded.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (places[i] - reach < 0 || places[i] + reach >= size || places[i] >= ranked) {
            PyErr_SetString(PyExc_ValueError, "ranked_links: a place within reach of the layout's ends");
            goto done;
        }
    }
    size_t bytes = (size_t)(n > 0 ? n : 1) * sizeof(uint64_t);
    held = PyMem_Malloc(bytes);
    ahead = PyMem_Malloc(bytes);
    behind = PyMem_Malloc(bytes);
    rank = PyMem_Malloc(bytes);
    if (held == NULL || ahead == NULL || behind == NULL || rank == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {  /* read once per place, in the order of places */
        held[i] = layout[places[i]];
        ahead[i] = layout[places[i] + reach];
        behind[i] = layout[places[i] - reach];
        rank[i] = by_position[places[i]];
    }
    Py_ssize_t count = 0, room = 0;
    for (Py_ssize_t k = 1; k <= fanout && k < n; k++) {
        for (Py_ssize_t i = 0; i + k < n; i++) {
            Py_ssize_t j = i + k;
            if (held[j] != held[i] || rank[j] - rank[i] > fanout) continue;
            if (reach && ahead[j] != ahead[i] && behind[j] != behind[i]) continue;
            if (add_link(&firsts, &seconds, &count, &room, places[i], places[j]) < 0) {
                PyErr_NoMemory();
                goto done;
            }
        }
    }
    PyObject *one = PyByteArray_FromStringAndSize((const char *)firsts, count * (Py_ssize_t)sizeof(int64_t));
    PyObject *other = PyByteArray_FromStringAndSize((const char *)seconds, count * (Py_ssize_t)sizeof(int64_t));
    if (one != NULL && other != NULL) result = PyTuple_Pack(2, one, other);
    Py_XDECREF(one);
    Py_XDECREF(other);
done:
    PyMem_Free(firsts);
    PyMem_Free(seconds);
    PyMem_Free(held);
    PyMem_Free(ahead);
    PyMem_Free(behind);
    PyMem_Free(rank);
    PyBuffer_Release(&places_view);
    PyBuffer_Release(&padded);
    PyBuffer_Release(&ranks);
    return result;
}


/* member_of(values, table, found): found[i] (one byte) = whether the 8-byte item values[i] equals an item of
 * `table` (any order, repeats allowed), through an open-addressing hash set of the table (twice its size or
 * more, a power of two): one probe or two per value, where a search of a sorted table costs a dozen. */
static PyObject *member_of(PyObject *self, PyObject *args) {
    Py_buffer values, table, found;
    if (!PyArg_ParseTuple(args, "y*y*w*", &values, &table, &found)) return NULL;
    PyObject *result = NULL;
    uint64_t *slots = NULL;
    Py_ssize_t n = values.len / 8, m = table.len / 8;
    if (check_buffer(&values, n, 8, "values") || check_buffer(&table, m, 8, "table") || check_buffer(&found, n, 1, "found"))
        goto done;
    size_t size = 16;
    while (size < 2 * (size_t)m) size <<= 1;
    slots = PyMem_Malloc(size * sizeof(uint64_t));
    uint8_t *used = PyMem_Calloc(size, 1);
    if (slots == NULL || used == NULL) {
        PyMem_Free(used);
        PyErr_NoMemory();
        goto done;
    }
    const uint64_t *v = values.buf, *t = table.buf;
    uint8_t *out = found.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t j = 0; j < m; j++) {
        size_t at = (size_t)mix64(t[j]) & (size - 1);
        while (used[at] && slots[at] != t[j]) at = (at + 1) & (size - 1);
        used[at] = 1;
        slots[at] = t[j];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        size_t at = (size_t)mix64(v[i]) & (size - 1);
        uint8_t hit = 0;
        while (used[at]) {
            if (slots[at] == v[i]) { hit = 1; break; }
            at = (at + 1) & (size - 1);
        }
        out[i] = hit;
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(used);
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(slots);
    PyBuffer_Release(&values);
    PyBuffer_Release(&table);
    PyBuffer_Release(&found);
    return result;
}
