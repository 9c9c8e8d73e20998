"""Twelve short articles written for the pack tests, in the order their file names sort."""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "01-port.txt": ("Port strike ends after pay deal",
                    "Dock workers in Felixstowe have agreed to end a two-week strike. Union leader Maria Lopez "
                    "said: \"We have won the argument.\" The port operator will pay a 6% rise from March."),
    "02-grid.txt": ("Grid upgrade approved",
                    "The energy regulator approved a £2bn upgrade of the northern grid on Tuesday 3 March 2026. "
                    "Chief executive Tom Reeve said the work would start in June."),
    "03-school.txt": ("New school meals plan",
                      "Education Secretary Jane Miller announced free school meals for all primary pupils. "
                      "\"Every child deserves a hot lunch,\" the education secretary said."),
    "04-rail.txt": ("Rail fares frozen",
                    "Transport Minister Kofi Mensah said rail fares would be frozen for a year. "
                    "Passenger groups welcomed the decision."),
    "05-flood.txt": ("Flood wall delayed",
                     "The Environment Agency has delayed a flood wall in Hebden Bridge. Area director Olu Bankole "
                     "said: \"We know people have heard promises before.\""),
    "06-bank.txt": ("Bank holds rates",
                    "The central bank held interest rates at 4% on Wednesday. Governor Anna Kowalski said "
                    "inflation was falling but not fast enough."),
    "07-hospital.txt": ("Hospital opens weekend clinics",
                        "Health Minister Sam Ade said two hospitals would open weekend surgery. "
                        "\"Waiting lists will fall,\" he said."),
    "08-farm.txt": ("Farmers protest fuel rules",
                    "Hundreds of farmers drove tractors into Lyon. Union president Yannick Le Goff said "
                    "farmers were asked to « compete with one hand tied behind our backs »."),
    "09-water.txt": ("Water rationing begins",
                     "Mexico City began rationing water on Monday. Mayor Leticia Arriaga said families "
                     "should store water for three days."),
    "10-tech.txt": ("Payments outage explained",
                    "A payments outage lasted six hours. Chief technology officer Park Min-jun said "
                    "engineers would introduce a \"two-person rule\" for changes."),
    "11-trade.txt": ("Trade talks resume",
                     "Trade ministers from Norway and Iceland met in Oslo on 12 February 2026. Foreign "
                     "Minister Kadri Saar said the two countries had agreed to share fishing data."),
    "12-arts.txt": ("Museum reopens",
                    "The city museum reopened after a two-year refit. Director Helen Osei said visitor "
                    "numbers were above forecast."),
}


def write_articles(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (title, body) in ARTICLES.items():
        path = folder / name
        path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths
