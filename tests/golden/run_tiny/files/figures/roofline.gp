# Roofline chart: arithmetic intensity vs attained throughput per op
# Written by `loopfront plot`. Redraw with `gnuplot roofline.gp` in this folder: it writes
# roofline.png, .svg and .pdf; choose with  gnuplot -e "formats='png'" roofline.gp
# Data: roofline.dat; columns: series label unit bounding_level arithmetic_intensity attained_flops_per_cycle flops bytes point_type
# Dashed and dotted lines: each series' roofs, min(peak, intensity x DRAM bandwidth), one per compute ceiling of its ops (the PE array, the vector unit or host, a fused group's engines combined). 4 op(s) without FLOPs or bytes are left out (log axes).
if (!exists("formats")) formats = 'png svg pdf'
if (!exists("output_stem")) output_stem = 'roofline'
set linetype 1 lc rgb '#1f77b4' lw 2 pt 7
set linetype 2 lc rgb '#ff7f0e' lw 2 pt 7
set linetype 3 lc rgb '#2ca02c' lw 2 pt 7
set linetype 4 lc rgb '#d62728' lw 2 pt 7
set linetype 5 lc rgb '#9467bd' lw 2 pt 7
set linetype 6 lc rgb '#8c564b' lw 2 pt 7
set linetype 7 lc rgb '#e377c2' lw 2 pt 7
set linetype 8 lc rgb '#7f7f7f' lw 2 pt 7
set linetype 9 lc rgb '#bcbd22' lw 2 pt 7
set linetype 10 lc rgb '#17becf' lw 2 pt 7
set linetype 11 lc rgb '#393b79' lw 2 pt 7
set linetype 12 lc rgb '#ad494a' lw 2 pt 7
set linetype 13 lc rgb '#aec7e8' lw 2 pt 7
set linetype 14 lc rgb '#ffbb78' lw 2 pt 7
set linetype 15 lc rgb '#98df8a' lw 2 pt 7
set linetype 16 lc rgb '#c5b0d5' lw 2 pt 7
set linetype 17 lc rgb '#637939' lw 2 pt 7
set linetype 18 lc rgb '#e7ba52' lw 2 pt 7
set linetype 19 lc rgb '#7b4173' lw 2 pt 7
set linetype 20 lc rgb '#9edae5' lw 2 pt 7
set linetype cycle 20
do for [format in formats] {
  if (format eq 'png') { set terminal pngcairo noenhanced size 1396,800 font 'Sans,11' }
  if (format eq 'svg') { set terminal svg noenhanced size 1396,800 font 'Sans,11' background rgb 'white' }
  if (format eq 'pdf') { set terminal pdfcairo noenhanced size 10.91in,6.25in font 'Sans,8' }
  set output output_stem.'.'.format
  reset
  set title "Roofline: per-op arithmetic intensity vs attained throughput (knee of the fused front)\nDashed and dotted lines: each series' roofs, min(peak, intensity x DRAM bandwidth), one per compute ceiling of\nits ops (the PE array, the vector unit or host, a fused group's engines combined). 4 op(s) without FLOPs or\nbytes are left out (log axes)."
  set xlabel 'arithmetic intensity (FLOPs/byte)'
  set ylabel 'attained throughput (FLOPs/cycle)'
  set logscale xy
  set format x '%g'
  set format y '%g'
  set grid xtics ytics mxtics mytics lc rgb '#e0e0e0' lw 1, lc rgb '#f0f0f0' lw 1
  set autoscale fix
  set xrange [0.003951149425287357:847.448275862069]
  set offsets 0, 0, graph 0.2, graph 0.2
  set key outside right top vertical Left reverse samplen 3 spacing 1.2 box lc rgb '#c0c0c0'
  plot \
    'roofline_roofs.dat' index 0 using 3:4 with lines lc rgb '#606060' dt 3 lw 1.5 title 'roof: 0.126437 FLOPs/cycle, DRAM 8 B/cycle', \
    'roofline_roofs.dat' index 1 using 3:4 with lines lc rgb '#606060' dt 2 lw 1.5 title 'roof: 0.157143 FLOPs/cycle, DRAM 8 B/cycle', \
    'roofline_roofs.dat' index 2 using 3:4 with lines lc rgb '#606060' dt 5 lw 1.5 title 'roof: 0.368421 FLOPs/cycle, DRAM 8 B/cycle', \
    'roofline_roofs.dat' index 3 using 3:4 with lines lc rgb '#606060' dt 4 lw 1.5 title 'roof: 0.409091 FLOPs/cycle, DRAM 8 B/cycle', \
    'roofline_roofs.dat' index 4 using 3:4 with lines lc rgb '#606060' dt 3 lw 1.5 title 'roof: 0.428571 FLOPs/cycle, DRAM 8 B/cycle', \
    'roofline_roofs.dat' index 5 using 3:4 with lines lc rgb '#606060' dt 2 lw 1.5 title 'roof: 512 FLOPs/cycle, DRAM 8 B/cycle', \
    'roofline.dat' index 0 using 5:6:9 with points lt 1 pt variable ps 1.6 notitle, \
    keyentry with points lt 1 pt 7 ps 1.6 title 'fusion=auto scratchpad_capacity_bytes=65536', \
    'roofline.dat' index 1 using 5:6:9 with points lt 2 pt variable ps 1.6 notitle, \
    keyentry with points lt 2 pt 7 ps 1.6 title 'fusion=auto scratchpad_capacity_bytes=262144', \
    'roofline.dat' index 2 using 5:6:9 with points lt 3 pt variable ps 1.6 notitle, \
    keyentry with points lt 3 pt 7 ps 1.6 title 'fusion=none scratchpad_capacity_bytes=65536', \
    'roofline.dat' index 3 using 5:6:9 with points lt 4 pt variable ps 1.6 notitle, \
    keyentry with points lt 4 pt 7 ps 1.6 title 'fusion=none scratchpad_capacity_bytes=262144', \
    'roofline_labels.dat' using 1:2:3 with labels left offset char 0.9,0.5 font ',9' tc rgb '#333333' notitle, \
    keyentry with points lc rgb 'black' pt 7 ps 1.6 title 'bound by compute', \
    keyentry with points lc rgb 'black' pt 5 ps 1.6 title 'bound by scratchpad'
  unset output
}
