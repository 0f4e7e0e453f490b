# tests/private-gimp.sh — sourced by the scripts that start GIMP 3 (tests
# and resources/take-screenshots.sh): a private GIMP user folder with the
# plug-in installed, so runs never read or change a real user's settings.
#
#   private_gimp DIR PLUGIN
#
# Exports GIMP3_DIRECTORY=DIR/gimp, HOME=DIR/home, the XDG folders under
# it and XDG_RUNTIME_DIR=DIR/run (mode 700, for GIMP with its interface),
# and copies PLUGIN to DIR/gimp/plug-ins/maskgrow/maskgrow (GIMP loads
# plug-ins/<name>/<name>).
private_gimp ()
{
  export GIMP3_DIRECTORY=$1/gimp HOME=$1/home
  export XDG_CONFIG_HOME=$1/home/.config XDG_CACHE_HOME=$1/home/.cache
  export XDG_DATA_HOME=$1/home/.local/share XDG_RUNTIME_DIR=$1/run
  mkdir -p "$GIMP3_DIRECTORY/plug-ins/maskgrow" "$HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  cp "$2" "$GIMP3_DIRECTORY/plug-ins/maskgrow/maskgrow"
}
