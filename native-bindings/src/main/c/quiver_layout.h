/*
 * The layout tables of Quiver's C shim: every struct offset, struct size and enum value the Java bindings use comes
 * from the compiler (offsetof/sizeof), never typed by hand in Java. Each binding area's C file (named after its Java
 * peer) exports one NULL-terminated table, quiver_layout_<area>(); layout.c reads any of them for Layout.java.
 */
#ifndef QUIVER_LAYOUT_H
#define QUIVER_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

struct quiver_layout_entry {
	const char *name;
	int64_t value;
};

#define QUIVER_OFF(type, field) { #type "." #field, (int64_t)offsetof(struct type, field) }
#define QUIVER_SIZE(type) { "sizeof." #type, (int64_t)sizeof(struct type) }
#define QUIVER_CONST(name) { #name, (int64_t)(name) }
#define QUIVER_LAYOUT_END { NULL, 0 }

/* Defines quiver_layout_<area>(), returning the table's address as the Java side reads pointers (an int64). */
#define QUIVER_LAYOUT_EXPORT(area, table) \
	int64_t quiver_layout_##area(void) { return (int64_t)(uintptr_t)(table); }

#endif
