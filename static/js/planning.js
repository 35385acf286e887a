// Sur un petit écran, la grille défile jusqu'au jour d'aujourd'hui.
(function () {
  var aujourdhui = document.querySelector(".planning .entete-aujourdhui");
  if (!aujourdhui) return;
  var zone = aujourdhui.closest(".planning-defilement");
  var premiere = zone.querySelector(".planning-activite");
  zone.scrollLeft = Math.max(0, aujourdhui.offsetLeft - premiere.offsetWidth - 8);
})();
