// Chart.js (window.Chart, from the WebJar) with the dashboard's defaults. Animation is off: a chart
// is complete as soon as it is drawn (screenshots and tests see the final picture).
import {h} from './dom.js';

export const COLORS = ['#2f6fdb', '#e67e22', '#1e8e4e', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d'];

/** A titled card holding one canvas; returns {card, canvas}. */
export function chartCard(id, title, {tall = false, note} = {}) {
  const canvas = h('canvas', {id, role: 'img', 'aria-label': title});
  const card = h('div', {class: 'card'}, h('h2', {}, title), note ? h('p', {class: 'help'}, note) : null,
    h('div', {class: tall ? 'chart-box tall' : 'chart-box'}, canvas));
  return {card, canvas};
}

function base(extra) {
  return Object.assign({
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: {legend: {position: 'bottom'}},
  }, extra);
}

export function bar(canvas, labels, datasets, {horizontal = false, yTitle, max, min} = {}) {
  const axis = {beginAtZero: min === undefined, title: yTitle ? {display: true, text: yTitle} : undefined};
  if (max !== undefined) axis.max = max;
  if (min !== undefined) axis.min = min;
  return new window.Chart(canvas, {
    type: 'bar',
    data: {labels, datasets: datasets.map((d, i) => Object.assign({backgroundColor: d.colors || COLORS[i % COLORS.length]}, d))},
    options: base({indexAxis: horizontal ? 'y' : 'x', scales: horizontal ? {x: axis} : {y: axis},
      plugins: {legend: {display: datasets.length > 1, position: 'bottom'}}}),
  });
}

/** Lines over epochs; datasets with yAxisID 'acc' go on a 0..1 axis at the right. */
export function lines(canvas, labels, datasets) {
  return new window.Chart(canvas, {
    type: 'line',
    data: {labels, datasets: datasets.map((d, i) => Object.assign({
      borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], tension: 0.2, pointRadius: 3,
    }, d))},
    options: base({scales: {
      y: {type: 'linear', position: 'left', title: {display: true, text: 'loss'}},
      acc: {type: 'linear', position: 'right', min: 0, max: 1, grid: {drawOnChartArea: false}, title: {display: true, text: 'accuracy'}},
      x: {title: {display: true, text: 'epoch'}},
    }}),
  });
}
