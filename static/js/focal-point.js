// A library image's focal point, set by clicking the image in its admin change form.
// The two number fields hold it; without this script they are typed instead.
{
  const rounded = (value) => Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 1000;

  // The read-only page (someone else's image, for a writer) shows the point, no more.
  const showOnly = (picker) => {
    const marker = picker.querySelector(".focal-point__marker");
    if (!marker) return;
    marker.hidden = false;
    marker.style.left = `${rounded(parseFloat(picker.dataset.x) || 0) * 100}%`;
    marker.style.top = `${rounded(parseFloat(picker.dataset.y) || 0) * 100}%`;
  };

  const setUp = () => {
    for (const picker of document.querySelectorAll(".focal-point--read-only")) showOnly(picker);
    for (const picker of document.querySelectorAll(".focal-point:not(.focal-point--read-only)")) {
      const image = picker.querySelector("img");
      const marker = picker.querySelector(".focal-point__marker");
      const x = document.getElementById(picker.dataset.xInput);
      const y = document.getElementById(picker.dataset.yInput);
      if (!image || !marker || !x || !y) continue;

      const show = () => {
        marker.hidden = false;
        marker.style.left = `${(parseFloat(x.value) || 0) * 100}%`;
        marker.style.top = `${(parseFloat(y.value) || 0) * 100}%`;
      };
      image.addEventListener("click", (event) => {
        const box = image.getBoundingClientRect();
        x.value = rounded((event.clientX - box.left) / box.width);
        y.value = rounded((event.clientY - box.top) / box.height);
        show();
      });
      x.addEventListener("input", show);
      y.addEventListener("input", show);
      show();
    }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
}
