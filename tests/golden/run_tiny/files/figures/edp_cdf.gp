# EDP distribution of random valid mappings relative to the best (survey Fig. 19)
# Written by `loopfront plot`. Redraw with `gnuplot edp_cdf.gp` in this folder: it writes
# edp_cdf.png, .svg and .pdf; choose with  gnuplot -e "formats='png'" edp_cdf.gp
# Data: edp_cdf.dat; columns: series label op relative_edp cumulative_fraction samples
# Cumulative fraction of random valid mappings whose EDP is within x times the best one found, per op: the further right a curve, the costlier a mapping picked at random.
if (!exists("formats")) formats = 'png svg pdf'
if (!exists("output_stem")) output_stem = 'edp_cdf'
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
  if (format eq 'png') { set terminal pngcairo noenhanced size 1495,800 font 'Sans,11' }
  if (format eq 'svg') { set terminal svg noenhanced size 1495,800 font 'Sans,11' background rgb 'white' }
  if (format eq 'pdf') { set terminal pdfcairo noenhanced size 11.68in,6.25in font 'Sans,8' }
  set output output_stem.'.'.format
  reset
  set title 'EDP of random valid mappings relative to the best (CDF)'
  set xlabel 'EDP relative to the best mapping (x times)'
  set ylabel 'fraction of mappings'
  set logscale x
  set format x '%g'
  set yrange [0:1.02]
  set grid xtics ytics mxtics lc rgb '#e0e0e0' lw 1, lc rgb '#f0f0f0' lw 1
  set key outside right top vertical Left reverse samplen 3 spacing 1.2 box lc rgb '#c0c0c0'
  plot \
    'edp_cdf.dat' index 0 using 4:5 with steps lt 5 dt 1 title 'q_proj, fusion=auto scratchpad_capacity_bytes=65536', \
    'edp_cdf.dat' index 1 using 4:5 with steps lt 8 dt 1 title 'qk_matmul, fusion=auto scratchpad_capacity_bytes=65536', \
    'edp_cdf.dat' index 2 using 4:5 with steps lt 5 dt 2 title 'q_proj, fusion=auto scratchpad_capacity_bytes=262144', \
    'edp_cdf.dat' index 3 using 4:5 with steps lt 8 dt 2 title 'qk_matmul, fusion=auto scratchpad_capacity_bytes=262144', \
    'edp_cdf.dat' index 4 using 4:5 with steps lt 5 dt 3 title 'q_proj, fusion=none scratchpad_capacity_bytes=65536', \
    'edp_cdf.dat' index 5 using 4:5 with steps lt 8 dt 3 title 'qk_matmul, fusion=none scratchpad_capacity_bytes=65536', \
    'edp_cdf.dat' index 6 using 4:5 with steps lt 5 dt 4 title 'q_proj, fusion=none scratchpad_capacity_bytes=262144', \
    'edp_cdf.dat' index 7 using 4:5 with steps lt 8 dt 4 title 'qk_matmul, fusion=none scratchpad_capacity_bytes=262144'
  unset output
}
