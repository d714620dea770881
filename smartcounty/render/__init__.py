"""Figures drawn as data (pure: Altair, vl-convert, wordcloud; no Streamlit): the investment
chart, the county choropleth and the word cloud, shared by the Streamlit pages and the
printable bulletin so a figure cannot differ between them."""
