# Pareto fronts: latency vs energy per series
# Written by `loopfront plot`. Redraw with `gnuplot pareto_fronts.gp` in this folder: it writes
# pareto_fronts.png, .svg and .pdf; choose with  gnuplot -e "formats='png'" pareto_fronts.gp
# Data: pareto_fronts.dat; columns: series label front point latency_cycles energy_pj edp_pj_cycles is_knee
# Each staircase is a Pareto front (every mapping on it is not beaten in both latency and energy); solid = fused front, dashed = unfused; the large square (fused) or open square (unfused) marks the knee, the point of minimum energy-delay product.
if (!exists("formats")) formats = 'png svg pdf'
if (!exists("output_stem")) output_stem = 'pareto_fronts'
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
  set title 'Pareto fronts: latency vs energy (knee = minimum EDP)'
  set xlabel 'latency (cycles)'
  set ylabel 'energy (pJ)'
  set logscale xy
  set xtics ('7.704e+08' 7.704e+08, '7.741e+08' 7.741e+08, '7.778e+08' 7.778e+08, '7.815e+08' 7.815e+08, '7.852e+08' 7.852e+08)
  set ytics ('4.62e+10' 4.62e+10, '4.89e+10' 4.89e+10, '5.16e+10' 5.16e+10, '5.46e+10' 5.46e+10, '5.77e+10' 5.77e+10)
  set mxtics 10
  set mytics 10
  set grid xtics ytics mxtics mytics lc rgb '#e0e0e0' lw 1, lc rgb '#f0f0f0' lw 1
  set autoscale fix
  set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
  set key outside right top vertical Left reverse samplen 3 spacing 1.2 box lc rgb '#c0c0c0'
  plot \
    'pareto_fronts.dat' index 0 using 5:6 with steps lt 1 dt 1 title 'fusion=auto scratchpad_capacity_bytes=65536', \
    '' index 0 using 5:6 with points lt 1 pt 7 ps 0.5 notitle, \
    '' index 0 using 5:($8 > 0 ? $6 : 1/0) with points lt 1 pt 5 ps 2 notitle, \
    'pareto_fronts.dat' index 1 using 5:6 with steps lt 1 dt 2 notitle, \
    '' index 1 using 5:6 with points lt 1 pt 7 ps 0.5 notitle, \
    '' index 1 using 5:($8 > 0 ? $6 : 1/0) with points lt 1 pt 4 ps 2 notitle, \
    'pareto_fronts.dat' index 2 using 5:6 with steps lt 2 dt 1 title 'fusion=auto scratchpad_capacity_bytes=262144', \
    '' index 2 using 5:6 with points lt 2 pt 7 ps 0.5 notitle, \
    '' index 2 using 5:($8 > 0 ? $6 : 1/0) with points lt 2 pt 5 ps 2 notitle, \
    'pareto_fronts.dat' index 3 using 5:6 with steps lt 2 dt 2 notitle, \
    '' index 3 using 5:6 with points lt 2 pt 7 ps 0.5 notitle, \
    '' index 3 using 5:($8 > 0 ? $6 : 1/0) with points lt 2 pt 4 ps 2 notitle, \
    'pareto_fronts.dat' index 4 using 5:6 with steps lt 3 dt 1 title 'fusion=none scratchpad_capacity_bytes=65536', \
    '' index 4 using 5:6 with points lt 3 pt 7 ps 0.5 notitle, \
    '' index 4 using 5:($8 > 0 ? $6 : 1/0) with points lt 3 pt 5 ps 2 notitle, \
    'pareto_fronts.dat' index 5 using 5:6 with steps lt 3 dt 2 notitle, \
    '' index 5 using 5:6 with points lt 3 pt 7 ps 0.5 notitle, \
    '' index 5 using 5:($8 > 0 ? $6 : 1/0) with points lt 3 pt 4 ps 2 notitle, \
    'pareto_fronts.dat' index 6 using 5:6 with steps lt 4 dt 1 title 'fusion=none scratchpad_capacity_bytes=262144', \
    '' index 6 using 5:6 with points lt 4 pt 7 ps 0.5 notitle, \
    '' index 6 using 5:($8 > 0 ? $6 : 1/0) with points lt 4 pt 5 ps 2 notitle, \
    'pareto_fronts.dat' index 7 using 5:6 with steps lt 4 dt 2 notitle, \
    '' index 7 using 5:6 with points lt 4 pt 7 ps 0.5 notitle, \
    '' index 7 using 5:($8 > 0 ? $6 : 1/0) with points lt 4 pt 4 ps 2 notitle, \
    keyentry with lines lc rgb 'black' dt 1 title 'fused front', \
    keyentry with lines lc rgb 'black' dt 2 title 'unfused front', \
    keyentry with points lc rgb 'black' pt 5 ps 2 title 'knee (min EDP)'
  unset output
}
