// The one place the page reads plotly.js's private fields, each where plotly.js offers no
// public way to the same thing; checked against plotly.js 4.1.1 (plotly.py 7.1). Everything
// else uses gd.data, gd.layout, Plotly.restyle/relayout and the plotly_* events.
"use strict";

const PlotlyPrivate = {
  // The trace's coordinates and marker sizes as numbers: plotly.py sends them as base64
  // typed arrays ({dtype, bdata}), which gd.data keeps as sent and only plotly.js's full
  // trace holds decoded.
  points(gd) {
    const trace = gd._fullData[0];
    return {
      x: Float32Array.from(trace.x),
      y: Float32Array.from(trace.y),
      size: Float32Array.from(trace.marker.size),
    };
  },

  // The plotting area in pixels from the top left of the figure, and a data point's pixel
  // position in it: plotly.js has no public data-to-pixel conversion.
  plotArea(gd) {
    const xa = gd._fullLayout.xaxis;
    const ya = gd._fullLayout.yaxis;
    return {
      left: xa._offset,
      right: xa._offset + xa._length,
      top: ya._offset,
      bottom: ya._offset + ya._length,
      pixel: (x, y) => [xa._offset + xa.l2p(x), ya._offset + ya.l2p(y)],
    };
  },

  // The font names are drawn in: the template's, which gd.layout does not hold.
  fontFamily(gd) {
    return gd._fullLayout.font.family;
  },
};
