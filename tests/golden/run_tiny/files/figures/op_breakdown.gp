# Per-op latency and energy at the knee of the fused front
# Written by `loopfront plot`. Redraw with `gnuplot op_breakdown.gp` in this folder: it writes
# op_breakdown.png, .svg and .pdf; choose with  gnuplot -e "formats='png'" op_breakdown.gp
# Data: op_breakdown.dat; columns: series label unit count latency_cycles latency_start latency_end energy_pj energy_start energy_end
# Each bar is one series' knee mapping (minimum EDP on the fused front); its segments are the ops or fused groups of ops.csv, with the latency and energy ops.csv gives them (all `count` instances).
if (!exists("formats")) formats = 'png svg pdf'
if (!exists("output_stem")) output_stem = 'op_breakdown'
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
  if (format eq 'png') { set terminal pngcairo noenhanced size 1440,600 font 'Sans,11' }
  if (format eq 'svg') { set terminal svg noenhanced size 1440,600 font 'Sans,11' background rgb 'white' }
  if (format eq 'pdf') { set terminal pdfcairo noenhanced size 11.25in,4.69in font 'Sans,8' }
  set output output_stem.'.'.format
  reset
  set style fill solid 0.85 border lc rgb 'white'
  set ytics ('fusion=auto scratchpad_capacity_bytes=65536' 0, 'fusion=auto scratchpad_capacity_bytes=262144' 1, 'fusion=none scratchpad_capacity_bytes=65536' 2, 'fusion=none scratchpad_capacity_bytes=262144' 3) nomirror
  set yrange [3.6:-0.6]
  set grid xtics lc rgb '#e0e0e0'
  set xrange [0:*]
  set format x '%.2g'
  set lmargin at screen 0.296
  set rmargin at screen 0.713
  set multiplot layout 2,1 title 'Per-op latency and energy at the knee (fused front)'
  set key outside right top vertical Left reverse maxrows 11 title 'op / group' box lc rgb '#c0c0c0'
  set xlabel 'latency (cycles)'
  plot \
    'op_breakdown.dat' index 0 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 1 fs solid 0.85 border lc rgb 'white' title 'embed', \
    'op_breakdown.dat' index 1 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 2 fs solid 0.85 border lc rgb 'white' title 'pos_embed', \
    'op_breakdown.dat' index 2 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 3 fs solid 0.85 border lc rgb 'white' title 'type_embed', \
    'op_breakdown.dat' index 3 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 4 fs solid 0.85 border lc rgb 'white' title 'embed_norm', \
    'op_breakdown.dat' index 4 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 5 fs solid 0.85 border lc rgb 'white' title 'q_proj', \
    'op_breakdown.dat' index 5 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 6 fs solid 0.85 border lc rgb 'white' title 'k_proj', \
    'op_breakdown.dat' index 6 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 7 fs solid 0.85 border lc rgb 'white' title 'v_proj', \
    'op_breakdown.dat' index 7 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 8 fs solid 0.85 border lc rgb 'white' title 'qk_matmul', \
    'op_breakdown.dat' index 8 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 9 fs solid 0.85 border lc rgb 'white' title 'softmax', \
    'op_breakdown.dat' index 9 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 10 fs solid 0.85 border lc rgb 'white' title 'av_matmul', \
    'op_breakdown.dat' index 10 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 11 fs solid 0.85 border lc rgb 'white' title 'out_proj', \
    'op_breakdown.dat' index 11 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 12 fs solid 0.85 border lc rgb 'white' title 'attn_residual', \
    'op_breakdown.dat' index 12 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 13 fs solid 0.85 border lc rgb 'white' title 'attn_norm', \
    'op_breakdown.dat' index 13 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 14 fs solid 0.85 border lc rgb 'white' title 'ffn_w1', \
    'op_breakdown.dat' index 14 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 15 fs solid 0.85 border lc rgb 'white' title 'gelu', \
    'op_breakdown.dat' index 15 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 16 fs solid 0.85 border lc rgb 'white' title 'ffn_w2', \
    'op_breakdown.dat' index 16 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 17 fs solid 0.85 border lc rgb 'white' title 'ffn_residual', \
    'op_breakdown.dat' index 17 using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt 18 fs solid 0.85 border lc rgb 'white' title 'ffn_norm'
  unset key
  set xlabel 'energy (pJ)'
  plot \
    'op_breakdown.dat' index 0 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 1 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 1 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 2 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 2 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 3 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 3 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 4 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 4 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 5 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 5 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 6 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 6 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 7 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 7 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 8 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 8 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 9 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 9 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 10 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 10 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 11 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 11 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 12 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 12 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 13 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 13 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 14 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 14 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 15 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 15 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 16 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 16 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 17 fs solid 0.85 border lc rgb 'white' notitle, \
    'op_breakdown.dat' index 17 using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt 18 fs solid 0.85 border lc rgb 'white' notitle
  unset multiplot
  unset output
}
