/* Layout.java's reader over any area's table (see quiver_layout.h). */
#include "quiver_layout.h"

const char *quiver_layout_name(const struct quiver_layout_entry *table, int i)
{
	return table[i].name;
}

int64_t quiver_layout_value(const struct quiver_layout_entry *table, int i)
{
	return table[i].value;
}
