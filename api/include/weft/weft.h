// The whole weft instrumentation API in one include.
#pragma once

#include "weft/array_view.h"
#include "weft/attribute.h"
#include "weft/context.h"
#include "weft/diagnostics.h"
#include "weft/ids.h"
#include "weft/link.h"
#include "weft/noop.h"
#include "weft/propagation.h"
#include "weft/provider.h"
#include "weft/span.h"
#include "weft/span_context.h"
#include "weft/span_ref.h"
#include "weft/trace_state.h"
#include "weft/traceparent.h"
#include "weft/tracer.h"
#include "weft/version.h"
